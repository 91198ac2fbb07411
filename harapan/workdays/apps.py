from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "harapan.workdays"
    verbose_name = "Hari kerja"
