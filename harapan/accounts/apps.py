from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harapan.accounts"
    verbose_name = "Pengguna"

    def ready(self):
        from . import second_factor  # noqa: F401  (its sign-in receiver)
