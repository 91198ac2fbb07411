from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "harapan.jobs"
    verbose_name = "Tugas latar belakang"
