from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "harapan.fieldwork"
    verbose_name = "Kerja pendamping"
