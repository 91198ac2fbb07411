"""The gap lists of DESIGN §9 on a date D, as set-based SQL.

- PIP: a member whose component on D is sd, smp or sma, without `pip` received on D;
- PBI: a living member of an active family without `pbi_jkn` received on D;
- BPNT: an active family without `bpnt` received on D;
- ATENSI: a member whose component on D is lansia or disabilitas_berat, without
  `atensi` received on D.

Which component a member earns is the registry's one rule
(`eligibility.component_expression`, with the rules of D's year), never restated here.
"Received on D" is a `menerima` participation whose period holds D (the end day is the
last day). A pending proposal does not close a gap: each row is annotated `pending`
(a proposal made by D with no outcome by D, or an imported `diusulkan` participation
whose period holds D) so that lists show it beside the gap.

Every function takes the scoped members or families (`visible_to(user)`) and issues a
fixed number of queries, whatever their number.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)  # fmt: skip
from django.db.models.functions import Coalesce, Substr

from harapan import bulk
from harapan.registry import eligibility
from harapan.registry.models import Family, FamilyStatus, Member

from .catalogue import CLOSED_BY, MEMBER_GAPS, Gap
from .models import Outcome, Participation, Proposal, Status

# The components that open a member gap (the rest of §9's rule is "without the programme").
COMPONENTS = {
    Gap.PIP: eligibility.SCHOOL_LEVELS,
    Gap.ATENSI: (eligibility.LANSIA, eligibility.DISABILITAS_BERAT),
}


def _holds(day: date) -> Q:
    """A participation whose period holds `day`."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def receiving(programme: str, day: date, of: str) -> Exists:
    """Whether the row (a member when `of` is "member", a family when "family") receives
    `programme` on `day`."""
    return Exists(
        Participation.objects.filter(
            _holds(day), programme=programme, status=Status.RECEIVING, **{of: OuterRef("pk")}
        )
    )


def _pending_rows(programme: str, day: date, of: str) -> tuple[QuerySet, QuerySet]:
    """The row's proposals to `programme` open on `day` and its `diusulkan` participations
    holding `day`."""
    open_on_day = Q(outcome=Outcome.PENDING) | Q(outcome_on__gt=day)
    proposals = Proposal.objects.filter(
        open_on_day, programme=programme, proposed_on__lte=day, **{of: OuterRef("pk")}
    )
    proposed = Participation.objects.filter(
        _holds(day), programme=programme, status=Status.PROPOSED, **{of: OuterRef("pk")}
    )
    if of == "family":  # a family-level programme's rows name no member
        proposals, proposed = proposals.filter(nik=""), proposed.filter(nik="")
    return proposals, proposed


def pending(programme: str, day: date, of: str) -> Exists:
    """Whether the row has a proposal to `programme` pending on `day`."""
    proposals, proposed = _pending_rows(programme, day, of)
    return Exists(proposals) | Exists(proposed)


def proposed_on(programme: str, day: date, of: str) -> Coalesce:
    """The day the row's pending proposal was made (its proposal's date, else the start of
    its `diusulkan` participation); NULL when none is pending."""
    proposals, proposed = _pending_rows(programme, day, of)
    return Coalesce(
        Subquery(proposals.order_by("-proposed_on").values("proposed_on")[:1]),
        Subquery(proposed.order_by("-starts_on").values("starts_on")[:1]),
    )


def living_in_active_family(day: date) -> Q:
    """The members PBI-JKN should cover on `day`: born by then, alive, family active."""
    return Q(alive=True, family__status=FamilyStatus.ACTIVE, birth_date__lte=day)


def _with_component(members: QuerySet, day: date, rules=None) -> QuerySet:
    rules = rules or eligibility.rules_for(day.year)
    return members.annotate(component=eligibility.component_expression(day, rules))


def _in_gap(gap: str, day: date) -> Q:
    """Who gap `gap` asks the programme for, on members annotated `component`."""
    if gap == Gap.PBI:
        return living_in_active_family(day)
    return Q(component__in=COMPONENTS[gap])


def member_gap(
    gap: str, day: date, members: QuerySet | None = None, rules: eligibility.Rules | None = None
) -> QuerySet:
    """The `members` in gap `gap` (PIP, PBI or ATENSI) on `day`, annotated `pending`
    (`rules`: the year's, when the caller has read them already)."""
    return _without(gap, day, members, rules).annotate(
        pending=pending(CLOSED_BY[gap], day, "member")
    )


def _without(
    gap: str, day: date, members: QuerySet | None, rules: eligibility.Rules | None
) -> QuerySet:
    """The `members` the gap asks the programme for who do not receive it on `day`."""
    members = Member.objects.all() if members is None else members
    return (
        _with_component(members, day, rules)
        .filter(_in_gap(gap, day))
        .filter(~receiving(CLOSED_BY[gap], day, "member"))
    )


def _without_bpnt(day: date, families: QuerySet | None) -> QuerySet:
    families = Family.objects.all() if families is None else families
    programme = CLOSED_BY[Gap.BPNT]
    return families.filter(status=FamilyStatus.ACTIVE).filter(~receiving(programme, day, "family"))


def family_gap(day: date, families: QuerySet | None = None) -> QuerySet:
    """The `families` in the BPNT gap on `day`, annotated `pending`."""
    return _without_bpnt(day, families).annotate(
        pending=pending(CLOSED_BY[Gap.BPNT], day, "family")
    )


def with_proposal_date(gap: str, day: date, rows: QuerySet) -> QuerySet:
    """The rows of a gap list annotated `proposed_on`: when their pending proposal was made."""
    of = "family" if gap == Gap.BPNT else "member"
    return rows.annotate(proposed_on=proposed_on(CLOSED_BY[gap], day, of))


@dataclass(frozen=True)
class GapRow:
    gap: str
    registry_id: str
    nik: str
    pending: bool


def gap_rows(
    day: date, members: QuerySet | None = None, families: QuerySet | None = None
) -> Iterator[GapRow]:
    """Every gap on `day`, list by list (PIP, PBI, BPNT, ATENSI), each by family ID and NIK:
    the year's rules (read once), then four queries, streamed."""
    rules = eligibility.rules_for(day.year)
    with bulk.reading_to_the_end():
        for gap in Gap:
            if gap == Gap.BPNT:
                rows = family_gap(day, families).values_list("registry_id", "pending")
                ordered = rows.order_by("registry_id")
                for registry_id, is_pending in ordered.iterator(chunk_size=2000):
                    yield GapRow(gap, registry_id, "", is_pending)
                continue
            rows = member_gap(gap, day, members, rules).values_list(
                "family__registry_id", "nik", "pending"
            )
            ordered = rows.order_by("family__registry_id", "nik")
            for registry_id, nik, is_pending in ordered.iterator(chunk_size=2000):
                yield GapRow(gap, registry_id, nik, is_pending)


# The `program_gaps` CSV (DESIGN §12).
GAP_HEADER = ["celah", "id_keluarga", "nik", "diusulkan"]


def csv_line(row: GapRow) -> list[str]:
    """A gap row as a line of the `program_gaps` CSV."""
    return [row.gap, row.registry_id, row.nik, "ya" if row.pending else "tidak"]


@dataclass(frozen=True)
class GapCount:
    gap: str
    total: int
    pending: int

    @property
    def not_proposed(self) -> int:
        return self.total - self.pending


def _gap_queries(
    day: date, members: QuerySet | None, families: QuerySet | None
) -> Iterator[tuple[str, QuerySet]]:
    """Each gap and its rows, without the `pending` annotation (counted apart)."""
    rules = eligibility.rules_for(day.year)
    for gap in Gap:
        if gap == Gap.BPNT:
            yield gap, _without_bpnt(day, families)
        else:
            yield gap, _without(gap, day, members, rules)


def _aggregates(gap: str, day: date) -> dict:
    # The pending test is written out in the filter: on the `pending` alias of the lists
    # the aggregate's filter came out as `FILTER (WHERE "pending")`, a column PostgreSQL does
    # not have and a string SQLite reads as false (0 pending, always).
    of = "family" if gap == Gap.BPNT else "member"
    return {
        f"{gap}_total": Count("pk"),
        f"{gap}_pending": Count("pk", filter=pending(CLOSED_BY[gap], day, of)),
    }


def _counts(figures: dict) -> list[GapCount]:
    return [
        GapCount(gap, figures.get(f"{gap}_total", 0), figures.get(f"{gap}_pending", 0))
        for gap in Gap
    ]


def gap_counts(
    day: date, members: QuerySet | None = None, families: QuerySet | None = None
) -> list[GapCount]:
    """How many are in each gap on `day`, and how many of them have a pending proposal:
    four queries, one per list, after the year's rules. Each list's "without the
    programme" stays in its WHERE, where PostgreSQL answers it with one anti-join over the
    participations instead of a lookup per member (one scan with the four lists as COUNT
    filters took 3.1 s against 0.18 s, 5,000 families); only the gap's own rows are then
    asked for a pending proposal."""
    figures: dict = {}
    for gap, rows in _gap_queries(day, members, families):
        figures.update(rows.aggregate(**_aggregates(gap, day)))
    return _counts(figures)


# The groups of `gap_counts_by`: how to read a member's and a family's group.
PENDAMPING, DESA, KECAMATAN = "pendamping", "desa", "kecamatan"
GROUPS = {
    PENDAMPING: (F("family__pendamping_id"), F("pendamping_id")),
    DESA: (F("region_code"), F("region_code")),
    KECAMATAN: (Substr("region_code", 1, 6), Substr("region_code", 1, 6)),
}


def gap_counts_by(
    group: str, day: date, members: QuerySet | None = None, families: QuerySet | None = None
) -> dict[object, list[GapCount]]:
    """`gap_counts` per group (a pendamping's ID, None for no pendamping; a desa or
    kecamatan code), for the groups with a gap: four grouped queries, however many groups."""
    of_member, of_family = GROUPS[group]
    figures: dict[object, dict] = {}
    for gap, rows in _gap_queries(day, members, families):
        key = of_family if gap == Gap.BPNT else of_member
        for row in rows.values(key=key).annotate(**_aggregates(gap, day)).order_by():
            figures.setdefault(row.pop("key"), {}).update(row)
    counted = {key: _counts(found) for key, found in figures.items()}
    return {key: counts for key, counts in counted.items() if any(c.total for c in counts)}


def receives(programme: str, day: date, *, family, member=None) -> bool:
    """Whether `member` (or, without one, `family`) receives `programme` on `day`: one row's
    answer to `receiving`."""
    rows = Participation.objects.filter(
        _holds(day), family=family, programme=programme, status=Status.RECEIVING
    )
    return (rows.filter(member=member) if member else rows.filter(nik="")).exists()


def member_gaps(day: date, members: QuerySet) -> QuerySet:
    """The `members` in any member gap on `day`, each annotated `in_G` and `pending_G` for
    every member gap G, in one query: for one family's members (its page), where a lookup
    per member costs nothing; the lists and counts of whole regions use `member_gap`."""
    members = _with_component(members, day)
    opens = []
    for gap in MEMBER_GAPS:
        programme = CLOSED_BY[gap]
        open_gap = _in_gap(gap, day) & ~receiving(programme, day, "member")
        members = members.annotate(
            **{f"in_{gap}": ExpressionWrapper(open_gap, output_field=BooleanField()),
               f"pending_{gap}": pending(programme, day, "member")}
        )  # fmt: skip
        opens.append(open_gap)
    return members.filter(reduce(or_, opens))
