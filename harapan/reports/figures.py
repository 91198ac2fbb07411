"""The dashboard's and the region history's figures, read only from the summary tables
(models.py): never a family or a member, so a page costs the same few queries at a thousand
families or a million (DESIGN §11, issue 18).

A scope is a region code ("" for the whole country). Its figures are the sums of the rows of
the desa under it (a code prefix); its children's figures the same sums grouped by the prefix
of the next level, in one query per table. Counts "on the month's day" (KPM, components, KKS,
gaps) are read for one month; flows (verification, meetings, complaints, exits) are summed
over the month, or over the year up to it (graduations).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.graduation.targets import resolve, targets_of_year
from harapan.lib import months as calendar
from harapan.lib import regioncode
from harapan.programs.catalogue import Gap
from harapan.regions.models import Region
from harapan.registry import eligibility

from .models import DesaMonth, DesaStage, DesaYear, SummaryRun

COMPONENTS = eligibility.COMPONENTS  # DesaMonth has one field per component, by its code
GAPS = {Gap.PIP: "celah_pip", Gap.PBI: "celah_pbi", Gap.BPNT: "celah_bpnt",
        Gap.ATENSI: "celah_atensi"}  # fmt: skip
MONTH_FIELDS = (
    "kpm_aktif", *COMPONENTS, "wajib_verifikasi", "terverifikasi", "patuh", "tidak_patuh",
    "pertemuan_p2k2",
    "kehadiran_baris", "kehadiran_hadir", "keluar_alamiah", "keluar_sejahtera_mandiri",
    "keluar_lain", "pengaduan_masuk", "pengaduan_selesai", "pengaduan_tepat_waktu",
    "pemutakhiran", "kks_tidak_di_kpm", *GAPS.values(),
)  # fmt: skip
EXIT_FIELDS = ("keluar_alamiah", "keluar_sejahtera_mandiri", "keluar_lain")
STAGE_FIELDS = ("kpm_ditetapkan", "jumlah_ditetapkan", "kpm_tersalur", "jumlah_tersalur")
EXIT_LABELS = {
    "keluar_alamiah": _("Graduasi alamiah"),
    "keluar_sejahtera_mandiri": _("Graduasi sejahtera mandiri"),
    "keluar_lain": _("Keluar karena sebab lain"),
}
TREND_MONTHS = 12


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def child_length(code: str) -> int | None:
    """The code length of the regions one level below `code` ("" → provinces); None for a desa."""
    if not code:
        return regioncode.LENGTH_BY_LEVEL[regioncode.PROVINCE]
    level = regioncode.level(code)
    return None if level == regioncode.DESA else regioncode.LENGTH_BY_LEVEL[level + 1]


def _sums(fields) -> dict:
    return {name: Sum(name) for name in fields}


def _zero(fields) -> dict[str, int]:
    return dict.fromkeys(fields, 0)


def _filled(row: dict, fields) -> dict[str, int]:
    return {name: row.get(name) or 0 for name in fields}


@dataclass
class Counts:
    """The month's sums of a scope or a child region, and the year's money and exits."""

    code: str = ""
    name: str = ""
    month: dict = field(default_factory=lambda: _zero(MONTH_FIELDS))
    year_exits: dict = field(default_factory=lambda: _zero(EXIT_FIELDS))
    money: dict = field(default_factory=lambda: _zero(STAGE_FIELDS))
    pendamping: int = 0
    gsm_target: int = 0

    def __getattr__(self, name):  # the month's sums read as attributes in templates
        month = self.__dict__.get("month", {})
        if name in month:
            return month[name]
        raise AttributeError(name)

    @property
    def verified_share(self) -> float | None:
        return percent(self.month["terverifikasi"], self.month["wajib_verifikasi"])

    @property
    def compliance_rate(self) -> float | None:
        """Compliant of the records that judged compliance, as the monitoring page counts
        (an excused record is left out)."""
        month = self.month
        return percent(month["patuh"], month["patuh"] + month["tidak_patuh"])

    @property
    def attendance_rate(self) -> float | None:
        return percent(self.month["kehadiran_hadir"], self.month["kehadiran_baris"])

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.month["pengaduan_tepat_waktu"], self.month["pengaduan_selesai"])

    @property
    def gsm(self) -> int:
        return self.year_exits["keluar_sejahtera_mandiri"]

    @property
    def gsm_share(self) -> float | None:
        return percent(self.gsm, self.gsm_target)

    @property
    def disbursed_share(self) -> float | None:
        return percent(self.money["jumlah_tersalur"], self.money["jumlah_ditetapkan"])


@dataclass
class Freshness:
    refreshed_at: datetime | None  # the oldest refresh of the kabupaten in scope
    as_of: date | None
    kabupaten: int  # how many kabupaten of the scope were ever refreshed
    expected: int = 0  # how many kabupaten the scope has

    @property
    def complete(self) -> bool:
        return self.kabupaten >= self.expected


@dataclass
class Dashboard:
    code: str
    month: date
    total: Counts
    children: list[Counts]
    trend: list[tuple[date, dict]]
    stages: list[tuple[int, dict]]
    freshness: Freshness

    @property
    def year(self) -> int:
        return self.month.year


def _month_rows(code: str):
    return DesaMonth.objects.filter(region_code__startswith=code).order_by()


def _by_prefix(queryset, length: int, sums: dict) -> dict[str, dict]:
    rows = queryset.values(key=Substr("region_code", 1, length)).annotate(**sums)
    return {row["key"]: row for row in rows}


def gsm_targets(code: str, year: int) -> list[tuple[str, int, int]]:
    """(region code, active pendamping, their GSM target for `year`) of the scope, each
    pendamping's target resolved from their own region (graduation/targets.py, as the
    targets page sums it): the users table, not families."""
    users = get_user_model().objects.filter(
        role=Role.PENDAMPING, is_active=True, region__code__startswith=code
    )
    table = targets_of_year(year)
    per_region = users.order_by().values_list("region_id").annotate(n=Count("pk"))
    return [(region_id, n, n * resolve(table, region_id)) for region_id, n in per_region]


# A dashboard's sums change only with a summary refresh: computed once, then read from the
# cache by the page and by each of its chart images, which the browser fetches beside it.
# Its GSM targets follow the targets and pendamping of now, so they are added each time.
CACHED_SECONDS = 3600


def dashboard(code: str, month: date) -> Dashboard:
    """The figures of `code` ("" for everything) for `month` (its first day)."""
    last = SummaryRun.objects.aggregate(at=Max("refreshed_at"), n=Count("pk"))
    stamp = last["at"].timestamp() if last["at"] else 0
    key = f"dashboard:{code}:{month:%Y-%m}:{stamp}:{last['n']}"
    cache = caches["reports"]
    found = cache.get(key)
    if found is None:
        found = _dashboard(code, month)
        cache.set(key, found, CACHED_SECONDS)
    _add_gsm_targets(found, code, month.year)
    return found


def _dashboard(code: str, month: date) -> Dashboard:
    year_start, length = date(month.year, 1, 1), child_length(code)
    total = Counts(code=code)
    total.month = _filled(_month_rows(code).filter(month=month).aggregate(**_sums(MONTH_FIELDS)),
                          MONTH_FIELDS)  # fmt: skip
    exits = _month_rows(code).filter(month__range=(year_start, month))
    total.year_exits = _filled(exits.aggregate(**_sums(EXIT_FIELDS)), EXIT_FIELDS)
    money = DesaStage.objects.filter(region_code__startswith=code, year=month.year).order_by()
    total.money = _filled(money.aggregate(**_sums(STAGE_FIELDS)), STAGE_FIELDS)
    children = []
    if length:
        months = _by_prefix(_month_rows(code).filter(month=month), length, _sums(MONTH_FIELDS))
        year_exits = _by_prefix(exits, length, _sums(EXIT_FIELDS))
        stage_money = _by_prefix(money, length, _sums(STAGE_FIELDS))
        regions = Region.objects.filter(
            code__startswith=code, level=regioncode.LEVEL_BY_LENGTH[length]
        )
        for region in regions.order_by("code").only("code", "name"):
            child = Counts(code=region.code, name=region.name)
            child.month = _filled(months.get(region.code, {}), MONTH_FIELDS)
            child.year_exits = _filled(year_exits.get(region.code, {}), EXIT_FIELDS)
            child.money = _filled(stage_money.get(region.code, {}), STAGE_FIELDS)
            children.append(child)
    return Dashboard(code=code, month=month, total=total, children=children,
                     trend=trend(code, month), stages=stages(code, month.year),
                     freshness=freshness(code))  # fmt: skip


def _add_gsm_targets(board: Dashboard, code: str, year: int) -> None:
    """The scope's and each child's active pendamping and their GSM targets for `year`."""
    length = child_length(code)
    by_code = {child.code: child for child in board.children}
    for region_id, n, target in gsm_targets(code, year):
        board.total.pendamping += n
        board.total.gsm_target += target
        child = by_code.get((region_id or "")[:length]) if length else None
        if child:
            child.pendamping += n
            child.gsm_target += target


def trend(code: str, month: date) -> list[tuple[date, dict]]:
    """The last TREND_MONTHS months up to `month`, each with its sums (one query)."""
    first = calendar.add_months(month, 1 - TREND_MONTHS)
    rows = (
        _month_rows(code)
        .filter(month__range=(first, month))
        .values("month")
        .annotate(**_sums(("kpm_aktif", "terverifikasi", "wajib_verifikasi", "pengaduan_masuk")))
    )
    found = {row["month"]: row for row in rows}
    months = [calendar.add_months(first, n) for n in range(TREND_MONTHS)]
    fields = ("kpm_aktif", "terverifikasi", "wajib_verifikasi", "pengaduan_masuk")
    return [(m, _filled(found.get(m, {}), fields)) for m in months]


def stages(code: str, year: int) -> list[tuple[int, dict]]:
    """The money of each stage of `year` in the scope, entitled and disbursed (one query)."""
    rows = (
        DesaStage.objects.filter(region_code__startswith=code, year=year)
        .order_by()
        .values("stage")
        .annotate(**_sums(STAGE_FIELDS))
    )
    found = {row["stage"]: row for row in rows}
    numbers = sorted({1, 2, 3, 4} | set(found))
    return [(n, _filled(found.get(n, {}), STAGE_FIELDS)) for n in numbers]


def freshness(code: str) -> Freshness:
    """When the scope's figures were refreshed: the oldest refresh of its kabupaten, and how
    many of them have one."""
    runs = SummaryRun.objects.all()
    if code:
        runs = runs.filter(kabupaten_code__startswith=code[:4])
    found = runs.aggregate(at=Min("refreshed_at"), as_of=Min("as_of"), n=Count("pk"))
    if len(code) >= regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]:
        expected = 1
    else:
        kabupaten = Region.objects.filter(level=regioncode.KABUPATEN, code__startswith=code)
        expected = kabupaten.count()
    return Freshness(found["at"], found["as_of"], found["n"], expected)


# The history of a province or kabupaten ------------------------------------------------------


@dataclass
class HistoryYear:
    kpm_ditetapkan: int = 0
    kpm_dilayani: int = 0
    jumlah_ditetapkan: int = 0
    jumlah_tersalur: int = 0
    kabupaten: int = 0
    kecamatan: int = 0
    desa: int = 0

    @property
    def disbursed_share(self) -> float | None:
        return percent(self.jumlah_tersalur, self.jumlah_ditetapkan)


def history(code: str) -> list[tuple[int, HistoryYear]]:
    """Per year since the first in the data: families entitled and served, money entitled and
    disbursed, and how many kabupaten, kecamatan and desa had entitled families (two queries)."""
    covered = Q(kpm_ditetapkan__gt=0)
    per_year = (
        DesaYear.objects.filter(region_code__startswith=code)
        .order_by()
        .values("year")
        .annotate(
            entitled=Sum("kpm_ditetapkan"),
            served=Sum("kpm_dilayani"),
            desa=Count("region_code", filter=covered, distinct=True),
            kecamatan=Count(Substr("region_code", 1, 6), filter=covered, distinct=True),
            kabupaten=Count(Substr("region_code", 1, 4), filter=covered, distinct=True),
        )
    )
    years = {
        found["year"]: HistoryYear(
            kpm_ditetapkan=found["entitled"], kpm_dilayani=found["served"],
            desa=found["desa"], kecamatan=found["kecamatan"], kabupaten=found["kabupaten"],
        )
        for found in per_year
    }  # fmt: skip
    money = (
        DesaStage.objects.filter(region_code__startswith=code)
        .order_by()
        .values("year")
        .annotate(d=Sum("jumlah_ditetapkan"), t=Sum("jumlah_tersalur"))
    )
    for found in money:
        row = years.setdefault(found["year"], HistoryYear())
        row.jumlah_ditetapkan, row.jumlah_tersalur = found["d"] or 0, found["t"] or 0
    if not years:
        return []
    return [(year, years.get(year) or HistoryYear()) for year in range(min(years), max(years) + 1)]
