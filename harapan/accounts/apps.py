from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harapan.accounts"
    verbose_name = "Pengguna"
