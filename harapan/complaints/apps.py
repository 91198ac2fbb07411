from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "harapan.complaints"
    verbose_name = "Pengaduan"
