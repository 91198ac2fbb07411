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

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

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


def pending(programme: str, day: date, of: str) -> Exists:
    """Whether the row has a proposal to `programme` pending on `day`."""
    open_on_day = Q(outcome=Outcome.PENDING) | Q(outcome_on__gt=day)
    proposals = Proposal.objects.filter(
        open_on_day, programme=programme, proposed_on__lte=day, **{of: OuterRef("pk")}
    )
    proposed = Participation.objects.filter(
        _holds(day), programme=programme, status=Status.PROPOSED, **{of: OuterRef("pk")}
    )
    if of == "family":  # a family-level programme's rows name no member
        proposals, proposed = proposals.filter(nik=""), proposed.filter(nik="")
    return Exists(proposals) | Exists(proposed)


def living_in_active_family(day: date) -> Q:
    """The members PBI-JKN should cover on `day`: born by then, alive, family active."""
    return Q(alive=True, family__status=FamilyStatus.ACTIVE, birth_date__lte=day)


def _with_component(members: QuerySet, day: date) -> QuerySet:
    rules = eligibility.rules_for(day.year)
    return members.annotate(component=eligibility.component_expression(day, rules))


def _in_gap(gap: str, day: date) -> Q:
    """Who gap `gap` asks the programme for, on members annotated `component`."""
    if gap == Gap.PBI:
        return living_in_active_family(day)
    return Q(component__in=COMPONENTS[gap])


def member_gap(gap: str, day: date, members: QuerySet | None = None) -> QuerySet:
    """The `members` in gap `gap` (PIP, PBI or ATENSI) on `day`, annotated `pending`."""
    members = Member.objects.all() if members is None else members
    programme = CLOSED_BY[gap]
    return (
        _with_component(members, day)
        .filter(_in_gap(gap, day))
        .filter(~receiving(programme, day, "member"))
        .annotate(pending=pending(programme, day, "member"))
    )


def family_gap(day: date, families: QuerySet | None = None) -> QuerySet:
    """The `families` in the BPNT gap on `day`, annotated `pending`."""
    families = Family.objects.all() if families is None else families
    programme = CLOSED_BY[Gap.BPNT]
    return (
        families.filter(status=FamilyStatus.ACTIVE)
        .filter(~receiving(programme, day, "family"))
        .annotate(pending=pending(programme, day, "family"))
    )


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
    four queries, streamed."""
    for gap in Gap:
        if gap == Gap.BPNT:
            rows = family_gap(day, families).values_list("registry_id", "pending")
            ordered = rows.order_by("registry_id")
            for registry_id, is_pending in ordered.iterator(chunk_size=2000):
                yield GapRow(gap, registry_id, "", is_pending)
            continue
        rows = member_gap(gap, day, members).values_list("family__registry_id", "nik", "pending")
        ordered = rows.order_by("family__registry_id", "nik")
        for registry_id, nik, is_pending in ordered.iterator(chunk_size=2000):
            yield GapRow(gap, registry_id, nik, is_pending)


@dataclass(frozen=True)
class GapCount:
    gap: str
    total: int
    pending: int

    @property
    def not_proposed(self) -> int:
        return self.total - self.pending


def gap_counts(
    day: date, members: QuerySet | None = None, families: QuerySet | None = None
) -> list[GapCount]:
    """How many are in each gap on `day`, and how many of them have a pending proposal:
    four queries, one per list. Each list's "without the programme" stays in its WHERE,
    where PostgreSQL answers it with one anti-join over the participations instead of a
    lookup per member; only the gap's own rows are then asked for a pending proposal."""
    figures = {}
    for gap in MEMBER_GAPS:
        programme = CLOSED_BY[gap]
        figures[gap] = member_gap(gap, day, members).aggregate(
            total=Count("pk"), pending=Count("pk", filter=pending(programme, day, "member"))
        )
    programme = CLOSED_BY[Gap.BPNT]
    figures[Gap.BPNT] = family_gap(day, families).aggregate(
        total=Count("pk"), pending=Count("pk", filter=pending(programme, day, "family"))
    )
    return [GapCount(gap, figures[gap]["total"], figures[gap]["pending"]) for gap in Gap]


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
