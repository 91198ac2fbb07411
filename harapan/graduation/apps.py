from django.apps import AppConfig


class GraduationConfig(AppConfig):
    name = "harapan.graduation"
    verbose_name = "Graduasi"

    def ready(self):
        from harapan.registry import panels

        from .panels import graduation_panel

        panels.register(graduation_panel)
