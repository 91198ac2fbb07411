from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harapan.accounts"
    verbose_name = "Pengguna"

    def ready(self):
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import second_factor  # noqa: F401  (its sign-in receiver)

        # The admin registered every app's models before this runs. django-otp's device
        # admin shows the secret and writes unaudited; admin.SecondFactorDeviceAdmin replaces it.
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
