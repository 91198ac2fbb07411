from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "harapan.programs"
    verbose_name = "Program komplementer"

    def ready(self):
        from harapan.registry import panels

        from .panels import programs_panel

        panels.register(programs_panel)
