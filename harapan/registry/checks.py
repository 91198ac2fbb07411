"""Data-quality checks of the registry (`harapan check_data`, DESIGN §12).

Plausible but suspicious data is imported and reported here, not rejected.
Each check is one set-based query over a region prefix, streamed with
`.iterator()`: no query per family, no list of a whole kabupaten in memory.

Only active families are checked: an exited family is history, nobody pays
it and nobody will correct it, and a family exited as a duplicate (`ganda`)
would otherwise keep reporting the very duplicate it was closed for.

NIK digits are compared as text (`PPKKCC DDMMYY NNNN`, DESIGN §3): the
birth date is formatted to DDMMYY in SQL and set beside the NIK's digits,
so there is no century to guess and no cast that a malformed NIK could break.
"""

from collections.abc import Callable, Iterator
from datetime import date
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Substr

from harapan.lib import regioncode
from harapan.regions.models import Region

from . import eligibility
from .models import Family, FamilyStatus, Member, Relation, Sex

NIK_DUPLIKAT = "NIK_DUPLIKAT"
NIK_TGL_LAHIR = "NIK_TGL_LAHIR"
NIK_JENIS_KELAMIN = "NIK_JENIS_KELAMIN"
NIK_WILAYAH = "NIK_WILAYAH"
USIA_KOMPONEN = "USIA_KOMPONEN"
KEPALA_KELUARGA = "KEPALA_KELUARGA"
MENINGGAL_MENERIMA = "MENINGGAL_MENERIMA"

# Plausible ages for a recorded pregnancy. A data-quality threshold, not a
# benefit rule: eligibility only asks that the member be a woman.
PREGNANCY_MIN_AGE = 10
PREGNANCY_MAX_AGE = 55

# Women's NIK day is the birth day plus 40: the first digit less 4.
_LESS_FORTY = {str(d): str(d - 4) for d in range(4, 10)}


class Finding(NamedTuple):
    """One row of the check_data CSV: `kode,id_keluarga,nik,pesan`."""

    code: str
    registry_id: str
    nik: str
    message: str


class DayMonthYY(Func):
    """A date as the six digits DDMMYY, the form of a NIK's birth date."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL (and Oracle) spell it the same way.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql}, 'DDMMYY')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite before 3.46 has no %y; the formats travel as parameters so
        # that their % signs need no escaping.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(strftime(%s, {sql}) || substr(strftime(%s, {sql}), 3, 2))",
            ("%d%m", *params, "%Y", *params),
        )


def _families(prefix: str) -> QuerySet:
    families = Family.objects.filter(status=FamilyStatus.ACTIVE)
    return families.filter(region_code__startswith=prefix) if prefix else families


def _members(prefix: str) -> QuerySet:
    members = Member.objects.filter(family__status=FamilyStatus.ACTIVE)
    if prefix:
        members = members.filter(region_code__startswith=prefix)
    return members.order_by("family__registry_id", "nik")


def _with_nik_date(members: QuerySet) -> QuerySet:
    """Annotate `nik_day` (DD as written) and `nik_date` (DDMMYY, day less 40 when over 40)."""
    members = members.annotate(nik_day=Substr("nik", 7, 2))
    day = Case(
        When(
            nik_day__gt="40",
            then=Concat(
                Case(
                    *[When(nik_day__startswith=d, then=Value(v)) for d, v in _LESS_FORTY.items()],
                    output_field=CharField(),
                ),
                Substr("nik", 8, 1),
            ),
        ),
        default=F("nik_day"),
        output_field=CharField(),
    )
    return members.annotate(nik_date=Concat(day, Substr("nik", 9, 4), output_field=CharField()))


def _dmy(digits: str) -> str:
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"


def duplicate_niks(prefix: str, on: date) -> Iterator[Finding]:
    """The same NIK in another active family, wherever that family lives."""
    elsewhere = Member.objects.filter(
        nik=OuterRef("nik"), family__status=FamilyStatus.ACTIVE
    ).exclude(family_id=OuterRef("family_id"))
    rows = (
        _members(prefix)
        .filter(Exists(elsewhere))
        .annotate(
            others=Subquery(elsewhere.order_by().values("nik").annotate(n=Count("pk")).values("n")),
            other=Subquery(
                elsewhere.order_by("family__registry_id").values("family__registry_id")[:1]
            ),
        )
        .values_list("family__registry_id", "nik", "others", "other")
    )
    for registry_id, nik, others, other in rows.iterator():
        if others == 1:
            message = f"NIK yang sama tercatat di keluarga {other}"
        else:
            message = f"NIK yang sama tercatat di {others} keluarga lain, antara lain {other}"
        yield Finding(NIK_DUPLIKAT, registry_id, nik, message)


def _nik_birth_date_findings(rows: QuerySet, registry_id: str) -> Iterator[Finding]:
    """Rows with `nik` and `birth_date` whose NIK's DDMMYY (day less 40) differs."""
    rows = (
        _with_nik_date(rows)
        .annotate(born=DayMonthYY("birth_date"))
        .exclude(nik_date=F("born"))
        .values_list(registry_id, "nik", "nik_date", "birth_date")
    )
    for registry, nik, nik_date, born in rows.iterator():
        message = f"NIK menyatakan {_dmy(nik_date)}, tanggal lahir {born:%d-%m-%Y}"
        yield Finding(NIK_TGL_LAHIR, registry, nik, message)


def _nik_sex_findings(rows: QuerySet, registry_id: str) -> Iterator[Finding]:
    """Rows with `nik` and `sex`: a NIK day over 40 (a woman's) for a man, or 40 or under
    for a woman."""
    rows = (
        _with_nik_date(rows)
        .filter(Q(nik_day__gt="40", sex=Sex.MALE) | Q(nik_day__lte="40", sex=Sex.FEMALE))
        .values_list(registry_id, "nik", "nik_day", "sex")
    )
    for registry, nik, nik_day, sex in rows.iterator():
        if sex == Sex.MALE:
            message = f"Tanggal pada NIK {nik_day} (lebih dari 40, perempuan), jenis kelamin L"
        else:
            message = f"Tanggal pada NIK {nik_day} (40 atau kurang, laki-laki), jenis kelamin P"
        yield Finding(NIK_JENIS_KELAMIN, registry, nik, message)


def _nik_region_findings(rows: QuerySet, registry_id: str) -> Iterator[Finding]:
    """Rows with `nik` whose first six digits are no known kecamatan."""
    known = Region.objects.filter(level=regioncode.KECAMATAN, code=Substr(OuterRef("nik"), 1, 6))
    rows = rows.filter(~Exists(known)).values_list(registry_id, "nik")
    for registry, nik in rows.iterator():
        message = f"Kode wilayah pada NIK ({nik[:6]}) bukan kode kecamatan yang dikenal"
        yield Finding(NIK_WILAYAH, registry, nik, message)


def nik_birth_dates(prefix: str, on: date) -> Iterator[Finding]:
    """The NIK's DDMMYY (day less 40 when over 40) differs from the birth date."""
    return _nik_birth_date_findings(_members(prefix), "family__registry_id")


def nik_sexes(prefix: str, on: date) -> Iterator[Finding]:
    """A NIK day over 40 (a woman's) for a man, or 40 or under for a woman."""
    return _nik_sex_findings(_members(prefix), "family__registry_id")


def nik_regions(prefix: str, on: date) -> Iterator[Finding]:
    """The NIK's first six digits are no known kecamatan (moving away is normal)."""
    return _nik_region_findings(_members(prefix), "family__registry_id")


def proposed_nik_findings(family: Family, nik: str, birth_date: date, sex: str) -> list[Finding]:
    """The NIK rules of check_data applied to a person not (or not so) in the registry yet.

    For a data update before it is approved: the proposed values stand in for
    the member's columns on the family's one row, and the same queries run.
    """
    row = Family.objects.filter(pk=family.pk).annotate(
        nik=Value(nik, output_field=CharField()),
        birth_date=Value(birth_date, output_field=DateField()),
        sex=Value(sex, output_field=CharField()),
    )
    finders = (_nik_birth_date_findings, _nik_sex_findings, _nik_region_findings)
    return [finding for find in finders for finding in find(row, "registry_id")]


def implausible_ages(prefix: str, on: date) -> Iterator[Finding]:
    """School level outside the school ages, or an implausible pregnancy.

    Living members only: a deceased member's school level is stale by nature.
    """
    rules = eligibility.DEFAULT_RULES
    school = Q(school_level__in=eligibility.SCHOOL_LEVELS) & (
        Q(birth_date__gt=eligibility.years_before(on, rules.school_min_age))
        | Q(birth_date__lte=eligibility.years_before(on, rules.school_max_age + 1))
    )
    pregnancy = Q(pregnant=True) & (
        Q(sex=Sex.MALE)
        | Q(birth_date__gt=eligibility.years_before(on, PREGNANCY_MIN_AGE))
        | Q(birth_date__lte=eligibility.years_before(on, PREGNANCY_MAX_AGE + 1))
    )
    rows = (
        _members(prefix)
        .filter(alive=True)
        .filter(school | pregnancy)
        .annotate(
            bad_school=ExpressionWrapper(school, output_field=BooleanField()),
            bad_pregnancy=ExpressionWrapper(pregnancy, output_field=BooleanField()),
        )
        .values_list(
            "family__registry_id",
            "nik",
            "birth_date",
            "sex",
            "school_level",
            "bad_school",
            "bad_pregnancy",
        )  # fmt: skip
    )
    for registry_id, nik, born, sex, level, bad_school, bad_pregnancy in rows.iterator():
        age = eligibility.age_on(born, on)
        reasons = []
        if bad_school:
            reasons.append(
                f"jenjang {level} tercatat pada usia {age} tahun "
                f"(seharusnya {rules.school_min_age}–{rules.school_max_age})"
            )
        if bad_pregnancy:
            if sex == Sex.MALE:
                reasons.append("hamil/nifas tercatat untuk laki-laki")
            else:
                reasons.append(
                    f"hamil/nifas tercatat pada usia {age} tahun "
                    f"(wajar {PREGNANCY_MIN_AGE}–{PREGNANCY_MAX_AGE})"
                )
        message = "; ".join(reasons)
        yield Finding(USIA_KOMPONEN, registry_id, nik, message[:1].upper() + message[1:])


def heads_of_family(prefix: str, on: date) -> Iterator[Finding]:
    """A family with no kepala_keluarga, or several (all members counted)."""
    rows = (
        _families(prefix)
        .annotate(heads=Count("members", filter=Q(members__relation=Relation.HEAD)))
        .exclude(heads=1)
        .order_by("registry_id")
        .values_list("registry_id", "heads")
    )
    for registry_id, heads in rows.iterator():
        if heads == 0:
            message = "Keluarga tidak memiliki kepala keluarga"
        else:
            message = f"Keluarga memiliki {heads} kepala keluarga (seharusnya 1)"
        yield Finding(KEPALA_KELUARGA, registry_id, "", message)


def deceased_earning(prefix: str, on: date) -> Iterator[Finding]:
    """A deceased member whose data, were they alive, still earns a component on `on`."""
    rows = (
        _members(prefix)
        .filter(alive=False)
        .annotate(component=eligibility.component_expression(on, include_deceased=True))
        .exclude(component=None)
        .values_list("family__registry_id", "nik", "died_on", "component")
    )
    for registry_id, nik, died_on, component in rows.iterator():
        died = f" ({died_on:%d-%m-%Y})" if died_on else ""
        message = (
            f"ART tercatat meninggal{died} tetapi datanya masih memenuhi komponen "
            f"{component} pada {on:%d-%m-%Y}"
        )
        yield Finding(MENINGGAL_MENERIMA, registry_id, nik, message)


# In the order of the contract (DESIGN §12) and of the CSV.
CHECKS: dict[str, Callable[[str, date], Iterator[Finding]]] = {
    NIK_DUPLIKAT: duplicate_niks,
    NIK_TGL_LAHIR: nik_birth_dates,
    NIK_JENIS_KELAMIN: nik_sexes,
    NIK_WILAYAH: nik_regions,
    USIA_KOMPONEN: implausible_ages,
    KEPALA_KELUARGA: heads_of_family,
    MENINGGAL_MENERIMA: deceased_earning,
}


def run_checks(region: str | None, on: date) -> Iterator[Finding]:
    """Every finding in `region` (dotted or not; None for the whole country), streamed."""
    prefix = regioncode.normalize(region) if region else ""
    for check in CHECKS.values():
        yield from check(prefix, on)
