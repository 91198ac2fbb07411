"""GSM targets and progress, and the year's exits by kind (DESIGN §7).

Each pendamping is expected to graduate at least `Target.per_pendamping`
families as sejahtera mandiri (GSM) a year; the target of a region is the
`Target` row of the year with the longest code prefix of the region (''
is national), 10 when there is none. The targets of a year are read in
one query and resolved in Python, so a table of a thousand pendamping
costs no more queries than one of two.

Figures are counted in SQL with GROUP BY over querysets the caller has
already scoped with `visible_to(user)`: a fixed number of queries whatever
the number of families or pendamping.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from harapan.accounts.roles import Role
from harapan.lib import regioncode
from harapan.registry.models import ExitReason, Family, FamilyStatus
from harapan.reporting import region_names

from .models import Target

DEFAULT_TARGET = 10
GSM = ExitReason.SEJAHTERA_MANDIRI
# Graduations proper; the other reasons are data exits (DESIGN §7).
GRADUATIONS = (ExitReason.ALAMIAH, ExitReason.SEJAHTERA_MANDIRI, ExitReason.PAKSA)
KECAMATAN, KABUPATEN = "kecamatan", "kabupaten"
LEVELS = (KECAMATAN, KABUPATEN)
CODE_LENGTH = {
    KECAMATAN: regioncode.LENGTH_BY_LEVEL[regioncode.KECAMATAN],
    KABUPATEN: regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN],
}


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# Targets ---------------------------------------------------------------------------


def targets_of_year(year: int) -> dict[str, int]:
    """{region prefix: GSM per pendamping} of the year's `Target` rows (one query)."""
    rows = Target.objects.filter(year=year).values_list("region_code", "per_pendamping")
    return dict(rows)


def resolve(table: dict, region_code: str | None, default=DEFAULT_TARGET):
    """The target of the longest prefix of `region_code` in `table`; `default` without."""
    code = region_code or ""
    for length in range(len(code), -1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return default


def target_for(region_code: str | None, year: int) -> int:
    """GSM graduations expected of a pendamping of `region_code` in `year`."""
    return resolve(targets_of_year(year), region_code)


# Progress per pendamping ------------------------------------------------------------


def pendamping_in_scope(user) -> QuerySet:
    """The pendamping whose progress `user` may follow: themself, or those of their region."""
    users = get_user_model().objects.filter(role=Role.PENDAMPING, is_active=True)
    if not user.is_authenticated or not user.is_active:
        return users.none()
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return users
    if user.role == Role.PENDAMPING:
        return users.filter(pk=user.pk)
    if user.role in (Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.OPERATOR, Role.AUDITOR):
        if not user.region_id:
            return users if user.role == Role.AUDITOR else users.none()
        return users.filter(region__code__startswith=user.region_id)
    return users.none()


def gsm_families(year: int, families: QuerySet) -> QuerySet:
    """Of `families`, those that graduated sejahtera mandiri in `year`: the exit date's year."""
    return families.filter(
        status=FamilyStatus.EXITED, exit_reason=GSM, exit_date__range=year_span(year)
    )


@dataclass
class Progress:
    """A pendamping's (or a region's) GSM graduations in a year against the target."""

    achieved: int
    target: int
    pendamping: int = 1
    code: str = ""
    label: str = ""
    key: int | None = None

    @property
    def share(self) -> float | None:
        return percent(self.achieved, self.target)

    @property
    def met(self) -> bool:
        return self.achieved >= self.target

    def add(self, other: "Progress") -> None:
        self.achieved += other.achieved
        self.target += other.target
        self.pendamping += other.pendamping


def progress(
    year: int, pendamping_qs: QuerySet, families: QuerySet | None = None
) -> list[Progress]:
    """One `Progress` per pendamping of `pendamping_qs`, by name (three queries).

    GSM graduations are the `families` (already scoped; all when None) with
    exit reason sejahtera mandiri and exit date in `year` whose pendamping
    is that user. `code` is the username, `label` the name, `key` the id.
    """
    families = Family.objects.all() if families is None else families
    counts = dict(
        gsm_families(year, families)
        .filter(pendamping__in=pendamping_qs.values("pk"))
        .order_by()
        .values_list("pendamping_id")
        .annotate(n=Count("pk"))
        .values_list("pendamping_id", "n")
    )
    table = targets_of_year(year)
    rows = [
        Progress(
            achieved=counts.get(user.pk, 0),
            target=resolve(table, user.region_id),
            code=user.username,
            label=str(user),
            key=user.pk,
        )
        for user in pendamping_qs.only(
            "pk", "username", "first_name", "last_name", "region_id"
        ).order_by()
    ]
    return sorted(rows, key=lambda r: (r.label.lower(), r.code))


# Roll-ups per kecamatan and kabupaten ---------------------------------------------------


@dataclass
class Rollup:
    level: str
    rows: list[Progress]
    total: Progress = field(default_factory=lambda: Progress(0, 0, 0))


def rollup(year: int, level: str, user, *, names: bool = True) -> Rollup:
    """Per region at `level`, in the scope of `user`: pendamping, total target, GSM, share.

    Pendamping and their targets are grouped by the pendamping's region;
    GSM graduations by the family's desa code (`region_code[:6]` or `[:4]`),
    of the families `user` may see. A pendamping sees their own row. Four
    queries (three without names) whatever the data.
    """
    length = CODE_LENGTH[level]
    table = targets_of_year(year)
    regions: dict[str, Progress] = {}
    per_region = (
        pendamping_in_scope(user)
        .order_by()
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    for region_id, n in per_region:
        code = (region_id or "")[:length]
        row = regions.setdefault(code, Progress(0, 0, 0, code=code))
        row.add(Progress(0, n * resolve(table, region_id), n))
    achieved = (
        gsm_families(year, Family.objects.visible_to(user))
        .order_by()
        .values(key=Substr("region_code", 1, length))
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )
    for code, n in achieved:
        regions.setdefault(code, Progress(0, 0, 0, code=code)).achieved += n
    rows = [regions[code] for code in sorted(regions)]
    if names:
        found = region_names([r.code for r in rows if r.code])
        for row in rows:
            row.label = found.get(row.code, "") if row.code else _t("Tanpa wilayah")
    total = Progress(0, 0, 0, label=pgettext("total row", "Jumlah"))
    for row in rows:
        total.add(row)
    return Rollup(level=level, rows=rows, total=total)


# Annual totals by kind -----------------------------------------------------------------


@dataclass
class KindCount:
    kind: str
    label: str
    count: int
    graduation: bool
    share: float | None = None  # of all graduations, for the graduation kinds


@dataclass
class AnnualTotals:
    year: int
    kinds: list[KindCount]

    def count(self, kind: str) -> int:
        return next((k.count for k in self.kinds if k.kind == kind), 0)

    @property
    def graduations(self) -> int:
        """Alamiah + sejahtera mandiri + paksa."""
        return sum(k.count for k in self.kinds if k.graduation)

    @property
    def data_exits(self) -> int:
        return sum(k.count for k in self.kinds if not k.graduation)

    @property
    def total(self) -> int:
        return sum(k.count for k in self.kinds)

    def share_of_graduations(self, kind: str) -> float | None:
        return percent(self.count(kind), self.graduations)

    @property
    def mandiri(self) -> int:
        return self.count(ExitReason.SEJAHTERA_MANDIRI)

    @property
    def alamiah(self) -> int:
        return self.count(ExitReason.ALAMIAH)

    @property
    def mandiri_share(self) -> float | None:
        return self.share_of_graduations(ExitReason.SEJAHTERA_MANDIRI)

    @property
    def alamiah_share(self) -> float | None:
        return self.share_of_graduations(ExitReason.ALAMIAH)

    @property
    def paksa_share(self) -> float | None:
        return self.share_of_graduations(ExitReason.PAKSA)


def annual_totals(year: int, families: QuerySet) -> AnnualTotals:
    """Exits of `families` (already scoped) in `year` by kind, every kind listed (one query)."""
    counts = dict(
        families.filter(exit_date__range=year_span(year))
        .exclude(exit_reason="")
        .order_by()
        .values_list("exit_reason")
        .annotate(n=Count("pk"))
        .values_list("exit_reason", "n")
    )
    kinds = [
        KindCount(kind.value, str(kind.label), counts.get(kind.value, 0), kind in GRADUATIONS)
        for kind in ExitReason
    ]
    totals = AnnualTotals(year=year, kinds=kinds)
    for kind in kinds:
        if kind.graduation:
            kind.share = totals.share_of_graduations(kind.kind)
    return totals


# The home page ------------------------------------------------------------------------------


def home_progress(user, year: int) -> dict:
    """For the home tile: a pendamping's own GSM against target, a coordinator's region's.

    Empty for a user who follows no pendamping. Two queries for a pendamping, three or
    four for the others.
    """
    if not (user.is_authenticated and (user.is_superuser or user.role)):
        return {}
    if user.role == Role.PENDAMPING:
        # Their own row, without looking themself up: the home page is kept light (issue 13).
        mine = gsm_families(year, Family.objects.visible_to(user)).filter(pendamping=user)
        row = Progress(mine.count(), target_for(user.region_id, year))
        return {"year": year, "own": True, "achieved": row.achieved, "target": row.target,
                "share": row.share, "pendamping": 1}  # fmt: skip
    total = rollup(year, KABUPATEN, user, names=False).total
    return {"year": year, "own": False, "achieved": total.achieved, "target": total.target,
            "share": total.share, "pendamping": total.pendamping}  # fmt: skip
