"""Which benefit component a member earns on a date (DESIGN §4) — the one rule set.

Two forms of the same rule, tested against each other:
- `component_for(member, on)` for one member, in Python;
- `component_expression(on)` for a whole region, as a SQL expression
  (`Member.objects.annotate(component=component_expression(day))`).

Ages are whole years on `on`. Since `on` is a constant, "age ≥ N" becomes
"born on or before `on` less N years", a date comparison every database
does the same way and an index can serve.

A member earns at most one component: the highest annual value they qualify
for, ties broken in the order of `TIE_ORDER`. Family caps are not applied
here: they belong to the benefits app, which builds on this.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

IBU_HAMIL = "ibu_hamil"
ANAK_USIA_DINI = "anak_usia_dini"
SD, SMP, SMA = "sd", "smp", "sma"
DISABILITAS_BERAT = "disabilitas_berat"
LANSIA = "lansia"
COMPONENTS = (IBU_HAMIL, ANAK_USIA_DINI, SD, SMP, SMA, DISABILITAS_BERAT, LANSIA)
# Between equal annual values (DESIGN §4); school levels never tie with these.
TIE_ORDER = (IBU_HAMIL, ANAK_USIA_DINI, DISABILITAS_BERAT, LANSIA, SMA, SMP, SD)
SCHOOL_LEVELS = (SD, SMP, SMA)

LABELS = {
    IBU_HAMIL: _("Ibu hamil/nifas"),
    ANAK_USIA_DINI: _("Anak usia dini"),
    SD: _("SD/sederajat"),
    SMP: _("SMP/sederajat"),
    SMA: _("SMA/sederajat"),
    DISABILITAS_BERAT: _("Disabilitas berat"),
    LANSIA: _("Lanjut usia"),
}

# The 2021–2025 annual index (Rp); the benefits app passes the year's own.
DEFAULT_ANNUAL = {
    IBU_HAMIL: 3_000_000,
    ANAK_USIA_DINI: 3_000_000,
    SD: 900_000,
    SMP: 1_500_000,
    SMA: 2_000_000,
    DISABILITAS_BERAT: 2_400_000,
    LANSIA: 2_400_000,
}


@dataclass(frozen=True)
class Rules:
    annual: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_ANNUAL))
    lansia_age: int = 70
    school_min_age: int = 6
    school_max_age: int = 21
    early_childhood_max_age: int = 5

    def priority(self) -> list[str]:
        """Components from the most to the least valuable, ties in TIE_ORDER."""
        return sorted(COMPONENTS, key=lambda c: (-self.annual[c], TIE_ORDER.index(c)))


DEFAULT_RULES = Rules()

# The year's ages and amounts live in the benefits app, which sits above this
# one; it registers how to read them (AppConfig.ready), so that verification
# and graduation use the same year's rules without importing benefits.
_rules_provider: Callable[[int], Rules | None] | None = None


def set_rules_provider(provider: Callable[[int], Rules | None]) -> None:
    global _rules_provider
    _rules_provider = provider


def rules_for(year: int) -> Rules:
    """The rules of `year`'s index, or the defaults when none is configured."""
    rules = _rules_provider(year) if _rules_provider else None
    return rules or DEFAULT_RULES


def years_before(day: date, years: int) -> date:
    """The date `years` before `day`; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: date, on: date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def qualifies(component: str, *, age: int, sex: str, pregnant: bool, school_level: str,
              severe_disability: bool, rules: Rules = DEFAULT_RULES) -> bool:  # fmt: skip
    if component == IBU_HAMIL:
        return pregnant and sex == "P"
    if component == ANAK_USIA_DINI:
        return 0 <= age <= rules.early_childhood_max_age and school_level not in SCHOOL_LEVELS
    if component in SCHOOL_LEVELS:
        return school_level == component and rules.school_min_age <= age <= rules.school_max_age
    if component == DISABILITAS_BERAT:
        return severe_disability
    if component == LANSIA:
        return age >= rules.lansia_age
    raise ValueError(component)


def component_for(member, on: date, rules: Rules = DEFAULT_RULES) -> str | None:
    """The component `member` earns on `on`, or None. Reads member.family.status."""
    if not member.alive or member.family.status != "aktif" or member.birth_date > on:
        return None
    age = age_on(member.birth_date, on)
    for component in rules.priority():
        if qualifies(
            component,
            age=age,
            sex=member.sex,
            pregnant=member.pregnant,
            school_level=member.school_level,
            severe_disability=member.severe_disability,
            rules=rules,
        ):
            return component
    return None


def _condition(component: str, on: date, rules: Rules) -> Q:
    def born_at_least(years: int) -> Q:  # age ≥ years
        return Q(birth_date__lte=years_before(on, years))

    def born_under(years: int) -> Q:  # age < years
        return Q(birth_date__gt=years_before(on, years))

    if component == IBU_HAMIL:
        return Q(pregnant=True, sex="P")
    if component == ANAK_USIA_DINI:
        return born_under(rules.early_childhood_max_age + 1) & ~Q(school_level__in=SCHOOL_LEVELS)
    if component in SCHOOL_LEVELS:
        return (
            Q(school_level=component)
            & born_at_least(rules.school_min_age)
            & born_under(rules.school_max_age + 1)
        )
    if component == DISABILITAS_BERAT:
        return Q(severe_disability=True)
    if component == LANSIA:
        return born_at_least(rules.lansia_age)
    raise ValueError(component)


def component_expression(
    on: date, rules: Rules = DEFAULT_RULES, via: str = "", *, include_deceased: bool = False
) -> Case:
    """SQL for the component a Member row earns on `on` (NULL when none).

    `via` is the path to the member from the queryset's model, e.g. "member"
    when annotating a table that points at members.
    """
    prefix = f"{via}__" if via else ""

    def on_member(q: Q) -> Q:
        return _prefixed(q, prefix) if prefix else q

    # include_deceased answers "would they earn, were they alive?" (check_data).
    living = Q(family__status="aktif", birth_date__lte=on)
    if not include_deceased:
        living &= Q(alive=True)
    living = on_member(living)
    # The first branch rules out the dead, the unborn and inactive families once,
    # so the component branches need not repeat it for every row.
    return Case(
        When(~living, then=Value(None)),
        *[When(on_member(_condition(c, on, rules)), then=Value(c)) for c in rules.priority()],
        default=Value(None),
        output_field=CharField(),
    )


def _prefixed(q: Q, prefix: str) -> Q:
    """The same filter, with every lookup reached through `prefix`."""
    children = [
        _prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}{c[0]}", c[1]) for c in q.children
    ]
    return Q(*children, _connector=q.connector, _negated=q.negated)
