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

Each component is two conditions: the member's attributes (pregnant, school
level, disability) and an age window, `Rules.age_window`. `component_spans`
turns the same two into the dates over which a Member row earns each
component, in SQL, for whoever asks when eligibility ends (graduation's
forecast).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, DateField, F, Func, Q, Value, When
from django.db.models.functions import Cast
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

    def age_window(self, component: str) -> tuple[int, int | None]:
        """Ages in whole years, [from, until), at which `component` is earned; None: for life."""
        if component == ANAK_USIA_DINI:
            return 0, self.early_childhood_max_age + 1
        if component in SCHOOL_LEVELS:
            return self.school_min_age, self.school_max_age + 1
        if component == LANSIA:
            return self.lansia_age, None
        if component in (IBU_HAMIL, DISABILITAS_BERAT):
            return 0, None
        raise ValueError(component)

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
    first, until = rules.age_window(component)
    if age < first or (until is not None and age >= until):
        return False
    if component == IBU_HAMIL:
        return pregnant and sex == "P"
    if component == ANAK_USIA_DINI:
        return school_level not in SCHOOL_LEVELS
    if component in SCHOOL_LEVELS:
        return school_level == component
    if component == DISABILITAS_BERAT:
        return severe_disability
    return True  # LANSIA: age alone


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


def _attributes(component: str) -> Q | None:
    """What besides age a member needs for `component`, as in `qualifies`; None: nothing."""
    if component == IBU_HAMIL:
        return Q(pregnant=True, sex="P")
    if component == ANAK_USIA_DINI:
        return ~Q(school_level__in=SCHOOL_LEVELS)
    if component in SCHOOL_LEVELS:
        return Q(school_level=component)
    if component == DISABILITAS_BERAT:
        return Q(severe_disability=True)
    return None


def _condition(component: str, on: date, rules: Rules) -> Q:
    first, until = rules.age_window(component)
    condition = _attributes(component) or Q()
    if first:  # age ≥ first
        condition &= Q(birth_date__lte=years_before(on, first))
    if until is not None:  # age < until
        condition &= Q(birth_date__gt=years_before(on, until))
    return condition


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


class Anniversary(Func):
    """The day someone born on the date `expression` turns `years`; 29 February → 1 March.

    One day on every database: PostgreSQL's date + interval stops at
    28 February in a common year, SQLite's date() rolls over to 1 March.
    """

    arity = 1
    output_field = DateField()

    def __init__(self, expression, years: int):
        super().__init__(expression)
        self.years = int(years)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"({sql} + make_interval(years => {self.years}))"
        leap_day_lost = (
            f"EXTRACT(MONTH FROM {sql}) = 2 AND EXTRACT(DAY FROM {sql}) = 29"
            f" AND EXTRACT(DAY FROM {shifted}) = 28"
        )
        return (
            f"(CAST({shifted} AS date) + CASE WHEN {leap_day_lost} THEN 1 ELSE 0 END)",
            (*params, *params, *params, *params),
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+{self.years} years')", params


@dataclass(frozen=True)
class Span:
    """When a Member row earns `component`, as SQL: [starts, ends), by age and attributes.

    `starts` is NULL when the member's attributes rule the component out;
    `ends` is NULL when nothing the registry knows ends it (for life). Whether
    the member is alive and the family active is the caller's filter.
    """

    component: str
    starts: Case | Func | F
    ends: Case | Func


def component_spans(rules: Rules = DEFAULT_RULES) -> list[Span]:
    """Every component's span for a Member row, by `rules`: the rule of `qualifies` as dates."""
    spans = []
    for component in COMPONENTS:
        first, until = rules.age_window(component)
        starts = Anniversary("birth_date", first) if first else F("birth_date")
        # A typed NULL, so that every database reads the spans as dates.
        forever = Cast(Value(None), DateField())
        ends = forever if until is None else Anniversary("birth_date", until)
        if (attributes := _attributes(component)) is not None:
            starts, ends = (
                Case(When(attributes, then=bound), default=None, output_field=DateField())
                for bound in (starts, ends)
            )
        spans.append(Span(component, starts, ends))
    return spans


def spans_ending_between(after: date, through: date, rules: Rules = DEFAULT_RULES) -> Q:
    """Members one of whose spans ends in (after, through]: `component_spans` on two fixed
    dates, which an index can serve, to find the few whose end needs working out."""
    ending = Q()
    for component in COMPONENTS:
        until = rules.age_window(component)[1]
        if until is None:
            continue
        # The span ends after `after` while the member is under `until` then,
        # and by `through` once they are `until` by then.
        condition = Q(birth_date__gt=years_before(after, until)) & Q(
            birth_date__lte=years_before(through, until)
        )
        if (attributes := _attributes(component)) is not None:
            condition &= attributes
        ending |= condition
    return ending
