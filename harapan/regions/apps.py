from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "harapan.regions"
    verbose_name = "Wilayah"
