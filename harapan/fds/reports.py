"""P2K2 figures for supervisors: meetings per pendamping, module coverage per region (§6).

Counted in SQL with GROUP BY over querysets the caller has already scoped
with `visible_to(user)`: a fixed number of queries whatever the number of
families, groups or meetings. Figures come back without labels; the views
name pendamping and regions in one query each.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from harapan import bulk
from harapan.compliance import calendar
from harapan.lib import regioncode

from .models import Attendance, MeetingStatus, Module, Presence, Session

DESA, KECAMATAN, KABUPATEN = "desa", "kecamatan", "kabupaten"
LEVELS = (DESA, KECAMATAN, KABUPATEN)
# A region at each level is a prefix of the family's desa code (DESIGN §3).
CODE_LENGTH = {
    DESA: regioncode.LENGTH_BY_LEVEL[regioncode.DESA],
    KECAMATAN: regioncode.LENGTH_BY_LEVEL[regioncode.KECAMATAN],
    KABUPATEN: regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN],
}


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# Meetings per pendamping ---------------------------------------------------------


@dataclass
class MeetingFigures:
    """A pendamping's meetings planned in a month; `key` is the pendamping's id."""

    key: int | None
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    label: str = ""
    code: str = ""

    @property
    def marked(self) -> int:
        """Attendance rows at the held meetings."""
        return self.present + self.excused + self.absent

    @property
    def held_share(self) -> float | None:
        return percent(self.held, self.planned)

    @property
    def attendance_rate(self) -> float | None:
        return percent(self.present, self.marked)

    def add(self, other: "MeetingFigures") -> None:
        for name in ("planned", "held", "cancelled", "present", "excused", "absent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _held_with(presence: str) -> Q:
    return Q(status=MeetingStatus.HELD, attendance__presence=presence)


def meetings_by_pendamping(month: date, meetings: QuerySet) -> list[MeetingFigures]:
    """One `MeetingFigures` per pendamping with a meeting planned in `month` (one query).

    `meetings` is already scoped. A meeting counts in the month it was
    planned for, whatever became of it; attendance counts only at the held
    ones. Meetings are counted distinct because the join to attendance
    repeats each meeting once per family.
    """
    rows = (
        meetings.filter(planned_on__gte=month, planned_on__lt=calendar.add_months(month, 1))
        .order_by()
        .values(pendamping_key=F("group__pendamping_id"))
        .annotate(
            planned=Count("pk", distinct=True),
            held=Count("pk", distinct=True, filter=Q(status=MeetingStatus.HELD)),
            cancelled=Count("pk", distinct=True, filter=Q(status=MeetingStatus.CANCELLED)),
            present=Count("attendance", filter=_held_with(Presence.PRESENT)),
            excused=Count("attendance", filter=_held_with(Presence.EXCUSED)),
            absent=Count("attendance", filter=_held_with(Presence.ABSENT)),
        )
    )
    return [MeetingFigures(key=row.pop("pendamping_key"), **row) for row in rows]


def meetings_total(rows: list[MeetingFigures]) -> MeetingFigures:
    whole = MeetingFigures(key=None)
    for row in rows:
        whole.add(row)
    return whole


# Module coverage per region ------------------------------------------------------


@dataclass
class Share:
    """Of `families` in a region, `completed` finished `module`."""

    module: Module
    completed: int
    families: int

    @property
    def percent(self) -> float | None:
        return percent(self.completed, self.families)


@dataclass
class RegionCoverage:
    """A region's families and, per module in `Coverage.modules` order, who completed it."""

    code: str | None
    families: int
    shares: list[Share] = field(default_factory=list)
    label: str = ""


@dataclass
class Coverage:
    modules: list[Module]
    rows: list[RegionCoverage]
    total: RegionCoverage


def counted_modules() -> list[Module]:
    """The active modules with at least one active session: a module with none has no coverage."""
    return list(Module.objects.filter(active=True, sessions__active=True).distinct())


def _families_per_region(families: QuerySet, length: int) -> dict[str, int]:
    rows = (
        families.order_by()
        .values(region_key=Substr("region_code", 1, length))
        .annotate(n=Count("pk"))
        .values_list("region_key", "n")
    )
    return dict(rows)


def _completions(families: QuerySet, length: int) -> dict[tuple[str, int], int]:
    """{(region code, module id): families that completed every active session of the module}.

    A family completed a session when it was present (hadir) at a held
    meeting that taught it; the sessions it completed per module are
    compared with the module's count of active sessions, all in one query.
    """
    done = (
        Attendance.objects.filter(
            family__in=families,
            presence=Presence.PRESENT,
            meeting__status=MeetingStatus.HELD,
            meeting__session__active=True,
            meeting__session__module__active=True,
        )
        .order_by()
        .values(
            family_key=F("family_id"),
            region_key=Substr("family__region_code", 1, length),
            module_key=F("meeting__session__module_id"),
        )
        .annotate(sessions_done=Count("meeting__session_id", distinct=True))
    )
    needed = (
        Session.objects.filter(active=True)
        .order_by()
        .values(needed_module=F("module_id"))
        .annotate(sessions_needed=Count("pk"))
    )
    try:
        done_sql, done_params = done.query.sql_with_params()
    except EmptyResultSet:  # a user who may see no family at all
        return {}
    needed_sql, needed_params = needed.query.sql_with_params()
    sql = f"""
        SELECT d.region_key, d.module_key, COUNT(*)
        FROM ({done_sql}) d
        JOIN ({needed_sql}) n ON n.needed_module = d.module_key
        WHERE d.sessions_done = n.sessions_needed
        GROUP BY d.region_key, d.module_key"""
    rows = bulk.rows(sql, [*done_params, *needed_params])
    return {(region, module): count for region, module, count in rows}


def module_coverage(level: str, families: QuerySet) -> Coverage:
    """Per region at `level` and per counted module, how many of `families` completed it.

    `families` is already scoped and cut to the active ones. Regions come
    in code order, without names; three queries whatever the data.
    """
    length = CODE_LENGTH[level]
    modules = counted_modules()
    completed = _completions(families, length)
    rows = [
        RegionCoverage(
            code=code,
            families=count,
            shares=[Share(m, completed.get((code, m.pk), 0), count) for m in modules],
        )
        for code, count in sorted(_families_per_region(families, length).items())
    ]
    everyone = sum(r.families for r in rows)
    total = RegionCoverage(code=None, families=everyone, shares=[
        Share(m, sum(r.shares[i].completed for r in rows), everyone) for i, m in enumerate(modules)
    ])  # fmt: skip
    return Coverage(modules=modules, rows=rows, total=total)
