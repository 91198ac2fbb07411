"""The figures of the annual report (DESIGN §12 "The annual report") of one region and year.

Read from the summary tables only (models.py: DesaMonth, DesaStage, DesaYear, SummaryRun),
never from families or members: a region's figures are the sums of its desa's rows, so the
report of a province costs the same few queries as that of a kecamatan. Counts over the
year are sums over its months (a verification owed in March and in April is two); the
counts "at year end" are those of the year's last month refreshed; the families served in
the year are DesaYear's, which counts a family once however many months it was in.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from harapan.display import formats
from harapan.display.formats import number
from harapan.fds.models import Meeting, MeetingStatus
from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.reporting import FIRST_YEAR, region_names

from . import scorecard, summary
from .figures import Freshness, freshness, gsm_targets
from .models import DesaMonth, DesaStage, DesaYear, SummaryRun

STAGES = (1, 2, 3, 4)
COMPONENTS = ("ibu_hamil", "anak_usia_dini", "sd", "smp", "sma", "disabilitas_berat", "lansia")
# The DesaMonth counts summed over the year's months.
FLOWS = (
    "wajib_verifikasi", "terverifikasi", "patuh", "tidak_patuh",
    "pertemuan_p2k2", "kehadiran_baris", "kehadiran_hadir",
    "keluar_alamiah", "keluar_sejahtera_mandiri", "keluar_lain",
    "pengaduan_masuk", "pengaduan_selesai", "pengaduan_tepat_waktu",
    "pemutakhiran",
)  # fmt: skip
# The DesaMonth counts taken on a day: read at year end, never summed over months.
STOCKS = ("kpm_aktif", *COMPONENTS, "kks_tidak_di_kpm")


def share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class Stage:
    number: int
    kpm_ditetapkan: int = 0
    jumlah_ditetapkan: int = 0
    kpm_tersalur: int = 0
    jumlah_tersalur: int = 0

    @property
    def share_disbursed(self) -> float | None:
        return share(self.jumlah_tersalur, self.jumlah_ditetapkan)


@dataclass
class Month:
    """One month of the region: the DesaMonth counts summed over its desa."""

    month: date
    counts: dict[str, int]

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def share_verified(self) -> float | None:
        return share(self.counts["terverifikasi"], self.counts["wajib_verifikasi"])


@dataclass
class Area:
    """One region of the level below (a kecamatan of a kabupaten …): its year in brief."""

    code: str
    name: str
    kpm_dilayani: int = 0
    kpm_akhir: int = 0
    jumlah_ditetapkan: int = 0
    jumlah_tersalur: int = 0
    wajib_verifikasi: int = 0
    terverifikasi: int = 0
    keluar_sejahtera_mandiri: int = 0

    @property
    def share_verified(self) -> float | None:
        return share(self.terverifikasi, self.wajib_verifikasi)


@dataclass
class AnnualFigures:
    year: int
    region_code: str
    region_name: str
    level: int
    kpm_dilayani: int = 0
    kpm_ditetapkan: int = 0
    last_month: date | None = None
    at_year_end: dict[str, int] = field(default_factory=dict)  # STOCKS of the last month
    totals: dict[str, int] = field(default_factory=dict)  # FLOWS over the year
    months: list[Month] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    pendamping: int = 0
    target_gsm: int = 0
    sesi_p2k2: int = 0  # P2K2 sessions covered (group, session) in the year
    freshness: Freshness | None = None

    def __getattr__(self, name: str) -> int:
        """A year's total (`wajib_verifikasi`) or a count at year end (`kpm_aktif`)."""
        for source in ("totals", "at_year_end"):
            values = self.__dict__.get(source, {})
            if name in values:
                return values[name]
        raise AttributeError(name)

    @property
    def level_name(self) -> str:
        return regioncode.LEVEL_NAMES[self.level]

    @property
    def area_level_name(self) -> str:
        return regioncode.LEVEL_NAMES[self.level + 1]

    @property
    def jumlah_ditetapkan(self) -> int:
        return sum(stage.jumlah_ditetapkan for stage in self.stages)

    @property
    def jumlah_tersalur(self) -> int:
        return sum(stage.jumlah_tersalur for stage in self.stages)

    @property
    def share_disbursed(self) -> float | None:
        return share(self.jumlah_tersalur, self.jumlah_ditetapkan)

    @property
    def share_verified(self) -> float | None:
        return share(self.totals["terverifikasi"], self.totals["wajib_verifikasi"])

    @property
    def share_compliant(self) -> float | None:
        """Compliant of the records that judged compliance, as the monitoring page counts
        (an excused record is left out)."""
        return share(self.totals["patuh"], self.totals["patuh"] + self.totals["tidak_patuh"])

    @property
    def attendance_rate(self) -> float | None:
        return share(self.totals["kehadiran_hadir"], self.totals["kehadiran_baris"])

    @property
    def gsm_share(self) -> float | None:
        return share(self.totals["keluar_sejahtera_mandiri"], self.target_gsm)

    @property
    def graduations(self) -> int:
        return self.totals["keluar_alamiah"] + self.totals["keluar_sejahtera_mandiri"]

    @property
    def resolved_on_time_share(self) -> float | None:
        return share(self.totals["pengaduan_tepat_waktu"], self.totals["pengaduan_selesai"])


def _sums(names) -> dict:
    return {name: Sum(name) for name in names}


def _ints(row: dict, names) -> dict[str, int]:
    return {name: row.get(name) or 0 for name in names}


class BadRequest(ValueError):
    """A region or year the report cannot be made for; the message says why, in Indonesian."""


def check_request(code: str, year: int | str, today: date | None = None) -> tuple[Region, int]:
    """The region (a province, kabupaten/kota or kecamatan) and year of a report; BadRequest
    for an unknown region, a desa, or a year before PKH or not yet begun."""
    try:
        region = Region.objects.filter(code=regioncode.normalize(code)).first()
    except regioncode.InvalidRegionCode:
        region = None
    if region is None:
        raise BadRequest(
            _t("Wilayah %(code)s tidak dikenal. Tulis kode Kemendagri provinsi, kabupaten/kota "
               "atau kecamatan, mis. 18.72.") % {"code": code}
        )  # fmt: skip
    if region.level == regioncode.DESA:
        raise BadRequest(
            _t("Laporan tahunan dibuat untuk provinsi, kabupaten/kota atau kecamatan, "
               "bukan desa (%(code)s).") % {"code": region.dotted_code}
        )  # fmt: skip
    last = (today or timezone.localdate()).year
    text = str(year).strip()
    as_number = int(text) if text.isdigit() else 0
    if not FIRST_YEAR <= as_number <= last:
        raise BadRequest(
            _t("Tahun %(year)s tidak sah: tulis tahun antara %(first)s dan %(last)s.")
            % {"year": text, "first": FIRST_YEAR, "last": last}
        )
    return region, as_number


def annual_figures(code: str, year: int) -> AnnualFigures:
    """The report's figures of region `code` (a province, kabupaten or kecamatan) in `year`."""
    region = Region.objects.get(code=regioncode.normalize(code))
    code = region.code
    figures = AnnualFigures(year, code, region.name, regioncode.level(code))
    months = DesaMonth.objects.filter(region_code__startswith=code, month__year=year)
    per_month = months.order_by("month").values("month").annotate(**_sums(FLOWS + STOCKS))
    figures.months = [Month(row["month"], _ints(row, FLOWS + STOCKS)) for row in per_month]
    figures.totals = {name: sum(m.counts[name] for m in figures.months) for name in FLOWS}
    if figures.months:
        figures.last_month = figures.months[-1].month
        figures.at_year_end = {n: figures.months[-1].counts[n] for n in STOCKS}
    else:
        figures.at_year_end = dict.fromkeys(STOCKS, 0)
    served = DesaYear.objects.filter(region_code__startswith=code, year=year).aggregate(
        dilayani=Sum("kpm_dilayani"), ditetapkan=Sum("kpm_ditetapkan")
    )
    figures.kpm_dilayani = served["dilayani"] or 0
    figures.kpm_ditetapkan = served["ditetapkan"] or 0
    money = ("kpm_ditetapkan", "jumlah_ditetapkan", "kpm_tersalur", "jumlah_tersalur")
    stages = DesaStage.objects.filter(region_code__startswith=code, year=year)
    found = {row["stage"]: row for row in stages.values("stage").annotate(**_sums(money))}
    figures.stages = [Stage(n, **_ints(found.get(n, {}), money)) for n in STAGES]
    figures.pendamping, figures.target_gsm = _gsm_target(code, year)
    figures.sesi_p2k2 = _sessions_taught(code, year)
    figures.areas = _areas(code, year, figures.last_month)
    figures.freshness = freshness(code)
    return figures


def _gsm_target(code: str, year: int) -> tuple[int, int]:
    """The region's active pendamping and their GSM target for `year`, as the dashboard."""
    found = gsm_targets(code, year)
    return sum(n for _, n, _ in found), sum(target for _, _, target in found)


def _sessions_taught(code: str, year: int) -> int:
    """P2K2 sessions covered in the year: each (group, session) a held meeting taught, the
    meetings counted as the summary counts them (held, planned in the year). It reads the
    meetings, a small table, not families or members."""
    held = Meeting.objects.filter(
        region_code__startswith=code, status=MeetingStatus.HELD, planned_on__year=year
    ).exclude(session=None)
    return held.order_by().values("group_id", "session_id").distinct().count()


def _areas(code: str, year: int, last_month: date | None) -> list[Area]:
    """The regions one level below `code`, each with its year in brief (four queries)."""
    length = regioncode.LENGTH_BY_LEVEL[regioncode.level(code) + 1]
    key = Substr("region_code", 1, length)

    def grouped(rows, **sums):
        return rows.order_by().values(area=key).annotate(**sums)

    areas: dict[str, Area] = {}

    def area(child: str) -> Area:
        return areas.setdefault(child, Area(child, ""))

    years = DesaYear.objects.filter(region_code__startswith=code, year=year)
    for row in grouped(years, n=Sum("kpm_dilayani")):
        area(row["area"]).kpm_dilayani = row["n"] or 0
    months = DesaMonth.objects.filter(region_code__startswith=code, month__year=year)
    sums = _sums(("wajib_verifikasi", "terverifikasi", "keluar_sejahtera_mandiri"))
    for row in grouped(months, **sums):
        for name in sums:
            setattr(area(row["area"]), name, row[name] or 0)
    if last_month is not None:
        for row in grouped(months.filter(month=last_month), n=Sum("kpm_aktif")):
            area(row["area"]).kpm_akhir = row["n"] or 0
    stages = DesaStage.objects.filter(region_code__startswith=code, year=year)
    for row in grouped(stages, a=Sum("jumlah_ditetapkan"), b=Sum("jumlah_tersalur")):
        area(row["area"]).jumlah_ditetapkan = row["a"] or 0
        area(row["area"]).jumlah_tersalur = row["b"] or 0
    names = region_names(areas)
    for child, row in areas.items():
        row.name = names.get(child, "")
    return [areas[child] for child in sorted(areas)]


def _kabupaten_of(code: str) -> list[str]:
    if regioncode.level(code) == regioncode.PROVINCE:
        found = Region.objects.filter(level=regioncode.KABUPATEN, parent_code=code)
        return list(found.values_list("code", flat=True))
    return [code[: regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]]]


def refresh_if_stale(code: str, year: int, today: date | None = None, progress=None) -> list[str]:
    """Refresh the summary of each kabupaten of the region that has none, or whose months
    start after January of `year`, or that was taken before the year's end (before today
    for this year); the kabupaten refreshed. `progress(text)` hears each one."""
    today = today or timezone.localdate()
    january, due = date(year, 1, 1), min(today, date(year, 12, 31))
    done = {run.kabupaten_code: run for run in SummaryRun.objects.filter(
        kabupaten_code__in=_kabupaten_of(code))}  # fmt: skip
    refreshed = []
    for kabupaten in _kabupaten_of(code):
        run = done.get(kabupaten)
        if run is not None and run.first_month <= january and run.as_of >= due:
            continue
        if progress:
            progress(_t("Memperbarui ringkasan %(code)s") % {"code": regioncode.dotted(kabupaten)})
        first = min(
            january, summary.default_first_month(today), *([run.first_month] if run else [])
        )
        summary.refresh(kabupaten, first_month=first, today=today)
        refreshed.append(kabupaten)
    return refreshed


# The pendamping scorecard (scorecard.py) of the region's year, as the report's table -------

# §12's 16 columns, labelled as the report prints them.
SCORECARD_COLUMNS = (
    _("Wilayah"), _("Pendamping"), _("KPM aktif"), _("Wajib verifikasi"),
    _("Terverifikasi"), _("Pertemuan P2K2"), _("Kehadiran P2K2"), _("GSM"), _("Target GSM"),
    _("Alamiah"), _("Pengaduan selesai"), _("Tepat waktu"), _("Pemutakhiran"),
    _("KKS tidak di KPM"), _("Rencana"), _("Realisasi"),
)  # fmt: skip
ROLLUP_OF_LEVEL = {
    regioncode.PROVINCE: scorecard.PROVINSI,
    regioncode.KABUPATEN: scorecard.KABUPATEN,
    regioncode.KECAMATAN: scorecard.KECAMATAN,
}


@dataclass
class ScorecardLine:
    cells: list[str]
    total: bool = False


@dataclass
class ScorecardTable:
    columns: tuple
    rows: list[ScorecardLine]


def _scorecard_line(row: scorecard.Row, total: bool) -> ScorecardLine:
    counts = [number(getattr(row, name)) for name in (
        "kpm_aktif", "wajib_verifikasi", "terverifikasi", "pertemuan_p2k2")]  # fmt: skip
    later = [number(getattr(row, name)) for name in (
        "gsm", "target_gsm", "alamiah", "pengaduan_selesai", "pengaduan_tepat_waktu",
        "pemutakhiran", "kks_tidak_di_kpm", "rencana", "realisasi")]  # fmt: skip
    who = row.label if row.is_pendamping else pgettext("total row", "Jumlah")
    cells = [formats.region(row.code), who, *counts, formats.percent(row.kehadiran_p2k2), *later]
    return ScorecardLine(cells, total)


def scorecard_table(code: str, year: int, today: date | None = None) -> ScorecardTable:
    """The §9 scorecard of the region's pendamping for the year (to date), with the region's
    roll-up row last: the figures `harapan scorecard --year Y --region CODE` writes."""
    people = scorecard.rows(year, region=code, today=today)
    total = scorecard.rollup(people, ROLLUP_OF_LEVEL[regioncode.level(code)], year)
    lines = [_scorecard_line(row, False) for row in people]
    lines += [_scorecard_line(row, True) for row in total if row.code == code]
    return ScorecardTable(SCORECARD_COLUMNS, lines)
