"""Natural exit (graduasi alamiah): who has no component left, and who soon won't (§7, §12).

`without_component(day)` is set-based: active families none of whose members
earns a component on `day`, by the registry's one rule.

`forecast(day, horizon)` gives, for each other active family, the first
date after `day` on which no member earns anything any more, when that
falls within the horizon. Each living member covers an interval: early
childhood from birth to the sixth birthday (when not at school); a pupil
(sd/smp/sma) from the sixth to the twenty-second birthday; the elderly from
the seventieth birthday on; a pregnancy or a severe disability with no end
the registry can know (such a family is never forecast). The family's date
is the first end of an interval that no other interval covers. Ages come
from the year's index (`eligibility.rules_for`). The members are read in one
streamed query; no query per family.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from harapan.lib.months import add_months
from harapan.registry import eligibility
from harapan.registry.models import Family, FamilyStatus, Member

FOREVER = date.max


@dataclass(frozen=True)
class Candidate:
    family_id: int
    registry_id: str
    region_code: str
    reason: str
    exit_on: date | None  # None: already without a component on the day


def without_component(day: date, families: QuerySet | None = None) -> QuerySet:
    """Active families with no member earning a component on `day`."""
    families = Family.objects.all() if families is None else families
    earning = (
        Member.objects.filter(family_id=OuterRef("pk"))
        .annotate(component=eligibility.component_expression(day, eligibility.rules_for(day.year)))
        .exclude(component=None)
    )
    return families.filter(status=FamilyStatus.ACTIVE).exclude(Exists(earning))


def anniversary(born: date, years: int) -> date:
    """The day someone born on `born` turns `years` (29 February → 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def intervals(member: dict, rules: eligibility.Rules) -> list[tuple[date, date, str]]:
    """(first day, first day no longer, component) of what the member can earn."""
    born = member["birth_date"]
    spans = []
    if (member["pregnant"] and member["sex"] == "P") or member["severe_disability"]:
        spans.append(
            (date.min, FOREVER, "ibu_hamil" if member["pregnant"] else "disabilitas_berat")
        )
    level = member["school_level"]
    if level in eligibility.SCHOOL_LEVELS:
        spans.append((anniversary(born, rules.school_min_age),
                      anniversary(born, rules.school_max_age + 1), level))  # fmt: skip
    else:
        spans.append((born, anniversary(born, rules.early_childhood_max_age + 1),
                      eligibility.ANAK_USIA_DINI))  # fmt: skip
    spans.append((anniversary(born, rules.lansia_age), FOREVER, eligibility.LANSIA))
    return spans


def last_day_covered(spans, day: date, horizon: date) -> tuple[date, str] | None:
    """The first end in (day, horizon] that no span covers, and the component ending then."""
    for _start, end, component in sorted(spans, key=lambda s: s[1]):
        if not day < end <= horizon:
            continue
        if not any(s <= end < e for s, e, _c in spans):
            return end, component
    return None


def forecast(day: date, families: QuerySet | None = None, months: int = 12) -> list[Candidate]:
    """Active families earning something on `day` whose last component ends within `months`."""
    families = Family.objects.all() if families is None else families
    rules = eligibility.rules_for(day.year)
    horizon = add_months(day, months)
    gone = without_component(day, families).values("pk")
    members = (
        Member.objects.filter(family__in=families.filter(status=FamilyStatus.ACTIVE), alive=True)
        .exclude(family__in=gone)
        .order_by("family_id", "birth_date")
        .values(
            "family_id",
            "family__registry_id",
            "family__region_code",
            "name",
            "birth_date",
            "sex",
            "pregnant",
            "school_level",
            "severe_disability",
        )  # fmt: skip
    )
    found, current, spans, names = [], None, [], {}
    for member in [*members.iterator(chunk_size=5000), None]:
        family = member["family_id"] if member else None
        if family != (current and current["family_id"]):
            if current is not None:
                found += _candidate(current, spans, names, day, horizon)
            current, spans, names = member, [], {}
        if member is None:
            break
        for span in intervals(member, rules):
            spans.append(span)
            names[span] = member["name"]
    return sorted(found, key=lambda c: (c.exit_on, c.registry_id))


def _candidate(member: dict, spans, names, day, horizon) -> list[Candidate]:
    ending = last_day_covered(spans, day, horizon)
    if ending is None:
        return []
    end, component = ending
    who = next(names[s] for s in spans if s[1] == end and s[2] == component)
    label = eligibility.LABELS.get(component, component)
    reason = f"Komponen terakhir ({label}, {who}) berakhir {end.isoformat()}"
    return [Candidate(member["family_id"], member["family__registry_id"],
                      member["family__region_code"], reason, end)]  # fmt: skip


def candidates(day: date, families: QuerySet | None = None) -> list[Candidate]:
    """DESIGN §12's list: exits due on `day`, then those forecast within 12 months."""
    now = [
        Candidate(
            f.pk,
            f.registry_id,
            f.region_code,
            "Tidak ada anggota yang memenuhi syarat komponen",
            None,
        )  # fmt: skip
        for f in without_component(day, families)
        .order_by("registry_id")
        .only("pk", "registry_id", "region_code")
    ]
    return now + forecast(day, families)
