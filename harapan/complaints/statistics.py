"""Complaint statistics (DESIGN §8, issue 15): per category, channel, region and month of
receipt, for one year.

What is counted, for the complaints the user may see (`Complaint.objects.visible_to`, so
the accused pendamping's figures never hold a complaint about them) that were received
in the year (local time, Asia/Jakarta):

- `received`: how many were received;
- `resolved`: of those, how many are resolved (status `selesai`) now;
- `on_time_share`: of the resolved ones, the share (%) resolved within SLA: every step
  the complaint took ended by its deadline (`sla.resolved_on_time`: triage within
  HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS working days of receipt, the first response within
  ..._RESPONSE_DAYS of triage, the resolution within ..._RESOLUTION_DAYS of the first
  response; a complaint withdrawn or referred early only the steps it took);
- `median_days`: the median, over the resolved ones, of the WORKING days from receipt to
  resolution (`Calendar.working_days_between`: the days after the day of receipt up to
  the day of resolution, as a deadline counts them; resolved on the day of receipt: 0).

Regions are the level below the user's own: a korwil sees kabupaten rows, a korkab or an
operator kecamatan rows, a korcam or a pendamping desa rows; a user without a region
(admin pusat, a national auditor) province rows. A complaint the user sees outside their
region (one accusing a pendamping of it, one they handle) gets the row of its own region
at that level.

Set-based: one query for the complaints' columns, one for the regions' names, one calendar.
"""

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.workdays.calendar import Calendar

from .models import Category, Channel, Complaint
from .sla import resolved_on_time

REGION_LEVEL_LABELS = {
    regioncode.PROVINCE: _("Provinsi"),
    regioncode.KABUPATEN: _("Kabupaten/kota"),
    regioncode.KECAMATAN: _("Kecamatan"),
    regioncode.DESA: _("Desa/kelurahan"),
}
COLUMNS = ("kategori", "saluran", "region_code", "received_at", "triaged_at", "responded_at",
           "reopened_at", "resolved_at")  # fmt: skip


@dataclass
class Row:
    """The figures of one category, channel, region or month (`key`), or of all (`total`)."""

    key: str
    label: str
    received: int = 0
    resolved: int = 0
    on_time: int = 0
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_share(self) -> float | None:
        """Resolved within SLA, % of the resolved; None when none is resolved."""
        return self.on_time * 100 / self.resolved if self.resolved else None

    @property
    def median_days(self) -> float | None:
        """Median working days from receipt to resolution; None when none is resolved."""
        return median(self.days) if self.days else None

    def add(self, resolved: bool, on_time: bool, days: int | None) -> None:
        self.received += 1
        if resolved:
            self.resolved += 1
            self.on_time += on_time
            self.days.append(days)


@dataclass
class Statistics:
    year: int
    region_level: int
    by_category: list[Row]
    by_channel: list[Row]
    by_region: list[Row]
    by_month: list[Row]
    total: Row

    @property
    def region_label(self) -> str:
        return REGION_LEVEL_LABELS[self.region_level]

    def tables(self) -> list[tuple[str, str, list[Row]]]:
        """(slug, heading, rows) of each breakdown, in the page's and the workbook's order."""
        return [
            ("kategori", _("Kategori"), self.by_category),
            ("saluran", _("Saluran"), self.by_channel),
            ("wilayah", self.region_label, self.by_region),
            ("bulan", _("Bulan diterima"), self.by_month),
        ]


def region_level_below(user) -> int:
    """The level whose regions the user's region table lists: the one below theirs."""
    if not user.region_id:
        return regioncode.PROVINCE
    return min(regioncode.level(user.region_id) + 1, regioncode.DESA)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(datetime(year, 1, 1), zone),
            timezone.make_aware(datetime(year + 1, 1, 1), zone))  # fmt: skip


def _months(year: int) -> list[str]:
    """The months of `year` that have begun, as YYYY-MM."""
    today = timezone.localdate()
    last = 12 if year < today.year else today.month if year == today.year else 0
    return [f"{year}-{month:02d}" for month in range(1, last + 1)]


def _region_rows(user, level: int, found: set[str]) -> dict[str, Row]:
    """A row for every region at `level` in the user's region, and for each of `found`."""
    prefix = user.region_id or ""
    regions = Region.objects.filter(
        Q(level=level, code__startswith=prefix) | Q(code__in=found)
    ).values_list("code", "name")
    names = dict(regions)
    return {code: Row(code, names.get(code, regioncode.dotted(code)))
            for code in sorted(set(names) | found)}  # fmt: skip


def complaint_statistics(user, year: int) -> Statistics:
    """The figures of the complaints `user` may see received in `year` (module docstring)."""
    since, until = _year_bounds(year)
    rows = list(
        Complaint.objects.visible_to(user)
        .filter(received_at__gte=since, received_at__lt=until)
        .order_by()
        .values_list(*COLUMNS, named=True)
    )
    years = {year} | {row.resolved_at.year for row in rows if row.resolved_at}
    calendar = Calendar.for_years(years)
    level = region_level_below(user)
    length = regioncode.LENGTH_BY_LEVEL[level]

    categories = {value: Row(value, label) for value, label in Category.choices}
    channels = {value: Row(value, label) for value, label in Channel.choices}
    regions = _region_rows(user, level, {row.region_code[:length] for row in rows})
    months = {month: Row(month, month) for month in _months(year)}
    total = Row("", _("Jumlah"))
    for row in rows:
        resolved = row.resolved_at is not None
        on_time = resolved and resolved_on_time(row, calendar)
        days = calendar.working_days_between(row.received_at, row.resolved_at) if resolved else None
        month = timezone.localtime(row.received_at).strftime("%Y-%m")
        for table, key in ((categories, row.kategori), (channels, row.saluran),
                           (regions, row.region_code[:length]), (months, month)):  # fmt: skip
            table.setdefault(key, Row(key, key)).add(resolved, on_time, days)
        total.add(resolved, on_time, days)
    return Statistics(
        year=year,
        region_level=level,
        by_category=list(categories.values()),
        by_channel=list(channels.values()),
        by_region=list(regions.values()),
        by_month=sorted(months.values(), key=lambda row: row.key),
        total=total,
    )
