from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BenefitsConfig(AppConfig):
    name = "harapan.benefits"
    verbose_name = "Bantuan"

    def ready(self):
        from harapan.registry import eligibility, panels

        from .panels import benefits_panel
        from .views_kks import kks_panel

        eligibility.set_rules_provider(_year_rules)
        post_migrate.connect(_ensure_years, sender=self)
        panels.register(benefits_panel)
        panels.register(kks_panel)


def _ensure_years(sender, **kwargs):
    from .seed import ensure_years

    ensure_years()


def _year_rules(year: int):
    from .models import BenefitYear

    found = BenefitYear.objects.filter(year=year).prefetch_related("index").first()
    return found.rules() if found else None
