from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "harapan.demo"
    verbose_name = "Data demo"
