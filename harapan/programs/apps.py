from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "harapan.programs"
    verbose_name = "Program komplementer"
