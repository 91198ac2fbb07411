from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "harapan.complaints"
    verbose_name = "Pengaduan"

    def ready(self):
        from harapan.registry import panels

        from .panels import complaints_panel

        panels.register(complaints_panel)
