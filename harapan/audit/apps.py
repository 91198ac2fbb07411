from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "harapan.audit"
    verbose_name = "Jejak audit"

    def ready(self):
        from . import signals  # noqa: F401
