from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "harapan.reports"
    verbose_name = "Laporan"
