"""Every database holds the index and the four stages from 2020 to next year (DESIGN §4)."""

from datetime import date

from django.db import transaction

from harapan.registry import eligibility

from .models import BenefitIndex, BenefitYear, Stage

FIRST_YEAR = 2020
# Per-family caps (DESIGN §4); components not named have none but the total.
DEFAULT_CAPS = {
    eligibility.IBU_HAMIL: 1,
    eligibility.ANAK_USIA_DINI: 2,
    eligibility.LANSIA: 1,
    eligibility.DISABILITAS_BERAT: 1,
}
QUARTERS = [((1, 1), (3, 31)), ((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31))]


def last_year() -> int:
    """The index reaches next year: a later year is a typing error, not a plan."""
    return date.today().year + 1


def ensure_years(last: int | None = None) -> list[int]:
    """Create the missing years up to `last` (default: next year); return those created.

    A new year copies the parameters and index of the latest year before it,
    so an admin's edits carry forward; the first year gets DESIGN §4's values.
    """
    last = last or last_year()
    existing = set(BenefitYear.objects.values_list("year", flat=True))
    if existing.issuperset(range(FIRST_YEAR, last + 1)):
        # Nothing to write, so no transaction: on SQLite it would wait for the
        # write lock, which a computation of the stage holds for minutes, before
        # that computation's claim could refuse this one at once.
        return []
    return _create_missing(last)


@transaction.atomic
def _create_missing(last: int) -> list[int]:
    existing = set(BenefitYear.objects.values_list("year", flat=True))  # under the lock now
    created = []
    for year in range(FIRST_YEAR, last + 1):
        if year in existing:
            continue
        template = BenefitYear.objects.filter(year__lt=year).order_by("-year").first()
        _create_year(year, template)
        existing.add(year)
        created.append(year)
    return created


def _create_year(year: int, template: BenefitYear | None) -> None:
    if template is None:
        new = BenefitYear.objects.create(year=year)
        amounts = eligibility.DEFAULT_ANNUAL
        caps = DEFAULT_CAPS
    else:
        new = BenefitYear.objects.create(
            year=year,
            lansia_age=template.lansia_age,
            school_min_age=template.school_min_age,
            school_max_age=template.school_max_age,
            early_childhood_max_age=template.early_childhood_max_age,
            max_components=template.max_components,
        )
        amounts = {i.component: i.annual_amount for i in template.index.all()}
        caps = template.caps()
    BenefitIndex.objects.bulk_create(
        BenefitIndex(year=new, component=c, annual_amount=a, family_cap=caps.get(c))
        for c, a in amounts.items()
    )
    Stage.objects.bulk_create(
        Stage(year=new, number=n, period_start=date(year, *start), period_end=date(year, *end))
        for n, (start, end) in enumerate(QUARTERS, start=1)
    )
