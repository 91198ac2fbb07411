from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "harapan.compliance"
    verbose_name = "Verifikasi komitmen"

    def ready(self):
        from harapan.registry import panels

        from .panels import compliance_panel

        panels.register(compliance_panel)
