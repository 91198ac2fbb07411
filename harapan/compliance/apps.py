from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "harapan.compliance"
    verbose_name = "Verifikasi komitmen"
