"""Plan against realisation (DESIGN §9 `rencana` / `realisasi`), per month and activity type.

For each type: `planned` in the pendamping's plan of the month, `done` (every activity of
that type in the month, typed or recorded by itself elsewhere in Harapan) and `counted`, at
most the planned number ("per activity type, at most the planned number counts"). Only an
accepted plan is the §9 `rencana`; a plan not yet accepted is shown with its figures, marked
as such (`accepted` False), and counts 0 in `rencana` and `realisasi`.

Set-based: for any number of pendamping, one query of plan lines and one aggregate of
activities grouped by pendamping and type.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from .kinds import ActivityType
from .models import Activity, PlanStatus, WorkPlan


@dataclass(frozen=True)
class TypeFigures:
    kind: str
    planned: int
    done: int

    @property
    def label(self) -> str:
        return ActivityType(self.kind).label

    @property
    def counted(self) -> int:
        return min(self.done, self.planned)


@dataclass
class Realisation:
    pendamping_id: int
    month: date
    plan_id: int | None = None
    status: str = ""
    by_kind: dict[str, TypeFigures] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status == PlanStatus.ACCEPTED

    @property
    def status_label(self) -> str:
        return PlanStatus(self.status).label if self.status else ""

    @property
    def rows(self) -> list[TypeFigures]:
        """The types planned or done, in the order of the one list of types."""
        return [self.by_kind[kind] for kind in ActivityType.values if kind in self.by_kind]

    @property
    def planned(self) -> int:
        return sum(row.planned for row in self.by_kind.values())

    @property
    def counted(self) -> int:
        return sum(row.counted for row in self.by_kind.values())

    @property
    def done(self) -> int:
        return sum(row.done for row in self.by_kind.values())

    @property
    def rencana(self) -> int:
        """§9 `rencana`: the activities of the ACCEPTED plan of the month."""
        return self.planned if self.accepted else 0

    @property
    def realisasi(self) -> int:
        """§9 `realisasi`: of those, done (per type, at most the planned number)."""
        return self.counted if self.accepted else 0

    @property
    def percent(self) -> float | None:
        """Counted of planned, in percent (None when nothing is planned)."""
        return self.counted * 100 / self.planned if self.planned else None


def realisation_of_many(pendamping_ids, month: date) -> dict[int, Realisation]:
    """Plan against realisation of `month` for each pendamping id (a list or a queryset of
    ids): one query of plan lines, one aggregate of activities."""
    month = month.replace(day=1)
    found: dict[int, Realisation] = {}

    def of(pendamping_id: int) -> Realisation:
        if pendamping_id not in found:
            found[pendamping_id] = Realisation(pendamping_id, month)
        return found[pendamping_id]

    plans = WorkPlan.objects.filter(pendamping_id__in=pendamping_ids, month=month)
    # A plan with no lines still has a status to show: the lines come with their plan, and
    # an empty plan with a NULL line (left join from the plan side).
    rows = plans.values_list("pk", "pendamping_id", "status", "lines__kind", "lines__planned")
    for plan_id, pendamping_id, status, kind, planned in rows:
        realisation = of(pendamping_id)
        realisation.plan_id, realisation.status = plan_id, status
        if kind:
            realisation.by_kind[kind] = TypeFigures(kind, planned, 0)
    done = (
        Activity.objects.filter(pendamping_id__in=pendamping_ids)
        .of_month(month)
        .values_list("pendamping_id", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for pendamping_id, kind, count in done:
        realisation = of(pendamping_id)
        planned = realisation.by_kind.get(kind)
        realisation.by_kind[kind] = TypeFigures(kind, planned.planned if planned else 0, count)
    return found


def realisation_of(pendamping, month: date) -> Realisation:
    """Plan against realisation of one pendamping for `month`."""
    found = realisation_of_many([pendamping.pk], month)
    return found.get(pendamping.pk) or Realisation(pendamping.pk, month.replace(day=1))
