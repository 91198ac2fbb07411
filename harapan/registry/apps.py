from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "harapan.registry"
    verbose_name = "Registri KPM"
