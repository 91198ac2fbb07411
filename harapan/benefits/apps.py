from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BenefitsConfig(AppConfig):
    name = "harapan.benefits"
    verbose_name = "Bantuan"

    def ready(self):
        post_migrate.connect(_ensure_years, sender=self)


def _ensure_years(sender, **kwargs):
    from .seed import ensure_years

    ensure_years()
