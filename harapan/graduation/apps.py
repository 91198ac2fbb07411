from django.apps import AppConfig


class GraduationConfig(AppConfig):
    name = "harapan.graduation"
    verbose_name = "Graduasi"
