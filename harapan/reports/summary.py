"""Refreshing the summary tables (models.py) of one kabupaten, set-based (issue 18).

`refresh(kabupaten)` counts every figure of every desa of the kabupaten with a fixed number
of grouped queries per month, stage year and year (never a query per desa or family), then
replaces the kabupaten's rows inside one transaction, so that a reader sees the old rows or
the new ones, never half. Each figure is taken from the rule the detailed page uses:

- components, owed / verified / compliant: compliance/monitoring.py (`commitments.owed`,
  `figures_by`), on the month's first day;
- KPM: `registry.models.in_programme_on` on the month's day (its last day, or the refresh day
  for the month still running), for families registered by that day;
- P2K2: the held meetings planned in the month, their attendance rows and `hadir` rows, as
  fds/reports.py `meetings_by_pendamping` counts them;
- exits: families by `exit_date` in the month and `exit_reason`;
- complaints: received in the month (local time), of those the ones resolved by the refresh
  and resolved on time (`sla.resolved_on_time`), as complaints/statistics.py counts them;
- data updates: change requests decided in the month;
- KKS: the family's last custody entry by the month's day (benefits/kks.py) not "dipegang KPM";
- programme gaps: programs/gaps.py `gap_counts_by` on the month's day;
- money: benefits Entitlement per stage, and the `berhasil` Disbursement lines.
"""

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from harapan.benefits.kks import AWAY_STATUSES
from harapan.benefits.models import (
    Disbursement,
    DisbursementStatus,
    Entitlement,
    KksCustody,
    KksStatus,
)  # fmt: skip
from harapan.complaints.models import Complaint
from harapan.complaints.sla import resolved_on_time
from harapan.complaints.statistics import COLUMNS as COMPLAINT_COLUMNS
from harapan.compliance import calendar, commitments, monitoring
from harapan.fds.models import Meeting, MeetingStatus, Presence
from harapan.lib import regioncode
from harapan.programs import gaps
from harapan.programs.catalogue import Gap
from harapan.regions.models import Region
from harapan.registry.models import (
    ChangeRequest,
    ChangeStatus,
    ExitReason,
    Family,
    Member,
    in_programme_on,
)  # fmt: skip
from harapan.workdays.calendar import Calendar

from .models import DesaMonth, DesaStage, DesaYear, SummaryRun

EXIT_COLUMNS = {
    ExitReason.ALAMIAH: "keluar_alamiah",
    ExitReason.SEJAHTERA_MANDIRI: "keluar_sejahtera_mandiri",
}
GAP_COLUMNS = {
    Gap.PIP: "celah_pip",
    Gap.PBI: "celah_pbi",
    Gap.BPNT: "celah_bpnt",
    Gap.ATENSI: "celah_atensi",
}


@dataclass
class Refreshed:
    """What one refresh wrote."""

    kabupaten_code: str
    months: int
    desa_months: int
    desa_stages: int
    desa_years: int


def default_first_month(today: date) -> date:
    """January of last year: the months a dashboard's trend and year to date need."""
    return date(today.year - 1, 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = calendar.add_months(month, 1)
    return months


def month_day(month: date, today: date) -> date:
    """The day a month's "on the day" figures are taken: its last day, or today for the
    month still running."""
    last = month.replace(day=month_calendar.monthrange(month.year, month.month)[1])
    return min(last, today)


def _start_of(day: date) -> datetime:
    """The first moment of `day`, local time."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _registered_by(day: date) -> Q:
    return Q(created_at__lt=_start_of(day + timedelta(days=1)))


class _Counts:
    """The figures being counted, per (desa, key) and column."""

    def __init__(self):
        self.rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, code: str, key, column: str, value) -> None:
        if value:
            self.rows[(code, key)][column] += value


def refresh(kabupaten_code: str, first_month: date | None = None, today: date | None = None):
    """Count and replace the summary rows of every desa of `kabupaten_code` (4 digits) for
    the months from `first_month` (default: January of last year) to today's, and the
    stages and years since the first year in the data (a few grouped queries over the
    entitlements: the province history reaches back to it); a `Refreshed`."""
    today = today or timezone.localdate()
    first_month = (first_month or default_first_month(today)).replace(day=1)
    months = months_between(first_month, today)
    families = Family.objects.filter(region_code__startswith=kabupaten_code)
    members = Member.objects.filter(region_code__startswith=kabupaten_code)

    monthly = _Counts()
    for month in months:
        _count_month(monthly, month, month_day(month, today), families, members)
    _count_fds(monthly, kabupaten_code, months)
    _count_exits(monthly, families, months, today)
    _count_complaints(monthly, kabupaten_code, months, today)
    _count_decided(monthly, kabupaten_code, months, today)

    years = list(range(first_year(kabupaten_code, families, today), today.year + 1))
    staged = _count_stages(kabupaten_code, years)
    yearly = _count_years(kabupaten_code, families, years)

    with transaction.atomic():
        DesaMonth.objects.filter(
            region_code__startswith=kabupaten_code, month__gte=first_month
        ).delete()
        DesaStage.objects.filter(region_code__startswith=kabupaten_code).delete()
        DesaYear.objects.filter(region_code__startswith=kabupaten_code).delete()
        DesaMonth.objects.bulk_create(
            [DesaMonth(region_code=code, month=month, **figures)
             for (code, month), figures in monthly.rows.items()],
            batch_size=2000,
        )  # fmt: skip
        DesaStage.objects.bulk_create(
            [DesaStage(region_code=code, year=year, stage=number, **figures)
             for (code, (year, number)), figures in staged.rows.items()],
            batch_size=2000,
        )  # fmt: skip
        DesaYear.objects.bulk_create(
            [DesaYear(region_code=code, year=year, **figures)
             for (code, year), figures in yearly.rows.items()],
            batch_size=2000,
        )  # fmt: skip
        SummaryRun.objects.update_or_create(
            kabupaten_code=kabupaten_code,
            defaults={"refreshed_at": timezone.now(), "as_of": today, "first_month": first_month},
        )
    return Refreshed(
        kabupaten_code, len(months), len(monthly.rows), len(staged.rows), len(yearly.rows)
    )


def _count_month(counts: _Counts, month: date, day: date, families, members) -> None:
    """The figures of one month taken on a day: KPM, components, verification, KKS, gaps."""
    active = (
        families.filter(in_programme_on(day), _registered_by(day))
        .order_by()
        .values_list("region_code")
        .annotate(n=Count("pk"))
    )
    for code, n in active:
        counts.add(code, month, "kpm_aktif", n)
    components = (
        commitments.owed(month, members)
        .order_by()
        .values_list("region_code", "commitment")
        .annotate(n=Count("pk"))
    )
    for code, component, n in components:
        counts.add(code, month, component, n)
    for row in monitoring.figures_by(month, members, monitoring.DESA):
        counts.add(row.key, month, "wajib_verifikasi", row.owed)
        counts.add(row.key, month, "terverifikasi", row.verified)
        counts.add(row.key, month, "patuh", row.compliant)
    for code, n in _kks_away_by_desa(day, families):
        counts.add(code, month, "kks_tidak_di_kpm", n)
    for code, found in gaps.gap_counts_by(gaps.DESA, day, members, families).items():
        for gap_count in found:
            counts.add(code, month, GAP_COLUMNS[gap_count.gap], gap_count.total)


def _kks_away_by_desa(day: date, families):
    """Families whose last custody entry by `day` is not "held by the KPM", per desa."""
    ever_away = (
        KksCustody.objects.filter(since__lte=day)
        .exclude(status=KksStatus.HELD_BY_KPM)
        .values("family_id")
    )
    latest = KksCustody.objects.filter(family=OuterRef("pk"), since__lte=day).order_by(
        "-since", "-id"
    )
    return (
        families.filter(pk__in=ever_away)
        .annotate(status_on_day=Subquery(latest.values("status")[:1]))
        .filter(status_on_day__in=AWAY_STATUSES)
        .order_by()
        .values_list("region_code")
        .annotate(n=Count("pk"))
    )


def _month_range(months: list[date]) -> tuple[date, date]:
    return months[0], calendar.add_months(months[-1], 1)


def _count_fds(counts: _Counts, kabupaten_code: str, months: list[date]) -> None:
    """Held meetings planned in each month, their attendance rows and `hadir` rows."""
    first, after = _month_range(months)
    held = Meeting.objects.filter(
        region_code__startswith=kabupaten_code,
        status=MeetingStatus.HELD,
        planned_on__gte=first,
        planned_on__lt=after,
    )
    rows = (
        held.order_by()
        .values_list("region_code", TruncMonth("planned_on"))
        .annotate(
            meetings=Count("pk", distinct=True),
            marked=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__presence=Presence.PRESENT)),
        )
    )
    for code, month, meetings, marked, present in rows:
        month = _as_date(month)
        counts.add(code, month, "pertemuan_p2k2", meetings)
        counts.add(code, month, "kehadiran_baris", marked)
        counts.add(code, month, "kehadiran_hadir", present)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _count_exits(counts: _Counts, families, months: list[date], today: date) -> None:
    first, after = _month_range(months)
    rows = (
        families.filter(exit_date__gte=first, exit_date__lt=after, exit_date__lte=today)
        .order_by()
        .values_list("region_code", TruncMonth("exit_date"), "exit_reason")
        .annotate(n=Count("pk"))
    )
    for code, month, reason, n in rows:
        counts.add(code, _as_date(month), EXIT_COLUMNS.get(reason, "keluar_lain"), n)


def _local_month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def _count_complaints(counts: _Counts, kabupaten_code: str, months, today: date) -> None:
    """Complaints received in each month; of those, resolved by now and resolved on time."""
    first, after = _month_range(months)
    rows = list(
        Complaint.objects.filter(
            region_code__startswith=kabupaten_code,
            received_at__gte=_start_of(first),
            received_at__lt=_start_of(after),
        )
        .order_by()
        .values_list(*COMPLAINT_COLUMNS, named=True)
    )
    years = {today.year} | {row.resolved_at.year for row in rows if row.resolved_at}
    years |= {row.received_at.year for row in rows}
    work_calendar = Calendar.for_years(years)
    for row in rows:
        month = _local_month(row.received_at)
        counts.add(row.region_code, month, "pengaduan_masuk", 1)
        if row.resolved_at is not None:
            counts.add(row.region_code, month, "pengaduan_selesai", 1)
            on_time = resolved_on_time(row, work_calendar)
            counts.add(row.region_code, month, "pengaduan_tepat_waktu", int(on_time))


def _count_decided(counts: _Counts, kabupaten_code: str, months, today: date) -> None:
    """Change requests of the desa's families decided in each month (local time)."""
    first, after = _month_range(months)
    rows = (
        ChangeRequest.objects.filter(
            region_code__startswith=kabupaten_code,
            status__in=(ChangeStatus.APPROVED, ChangeStatus.REJECTED),
            decided_at__gte=_start_of(first),
            decided_at__lt=_start_of(min(after, today + timedelta(days=1))),
        )
        .order_by()
        .values_list("region_code", "decided_at")
    )
    # Grouped here rather than by TruncMonth: the month is the local one, and the rows are
    # a kabupaten's decisions of two years (thousands), one query whatever their number.
    for code, decided_at in rows:
        counts.add(code, _local_month(decided_at), "pemutakhiran", 1)


def _count_stages(kabupaten_code: str, years: list[int]) -> _Counts:
    """Per desa and stage of `years`: families and money entitled, and disbursed."""
    counts = _Counts()
    entitled = (
        Entitlement.objects.filter(region_code__startswith=kabupaten_code, stage__year_id__in=years)
        .order_by()
        .values_list("region_code", "stage__year_id", "stage__number")
        .annotate(families=Count("pk"), amount=Sum("total"))
    )
    for code, year, number, families, amount in entitled:
        counts.add(code, (year, number), "kpm_ditetapkan", families)
        counts.add(code, (year, number), "jumlah_ditetapkan", amount)
    paid = (
        Disbursement.objects.filter(
            region_code__startswith=kabupaten_code,
            stage__year_id__in=years,
            status=DisbursementStatus.PAID,
        )
        .order_by()
        .values_list("region_code", "stage__year_id", "stage__number")
        .annotate(families=Count("family", distinct=True), amount=Sum("amount"))
    )
    for code, year, number, families, amount in paid:
        counts.add(code, (year, number), "kpm_tersalur", families)
        counts.add(code, (year, number), "jumlah_tersalur", amount)
    return counts


def first_year(kabupaten_code: str, families, today: date) -> int:
    """The first year in the kabupaten's data: of its earliest family registered or stage
    with an entitlement (the index's stages exist from 2020 in every database: not data)."""
    registered = families.aggregate(first=Min("created_at"))["first"]
    entitled = Entitlement.objects.filter(region_code__startswith=kabupaten_code).aggregate(
        first=Min("stage__year_id")
    )["first"]
    years = [today.year]
    if registered is not None:
        years.append(timezone.localtime(registered).year)
    if entitled is not None:
        years.append(entitled)
    return min(years)


def _count_years(kabupaten_code: str, families, years: list[int]) -> _Counts:
    """Per desa and year since the first in the data: families served and entitled."""
    counts = _Counts()
    for year in years:
        served = (
            families.filter(in_programme_on(date(year, 1, 1)))
            .filter(_registered_by(date(year, 12, 31)))
            .order_by()
            .values_list("region_code")
            .annotate(n=Count("pk"))
        )
        for code, n in served:
            counts.add(code, year, "kpm_dilayani", n)
    entitled = (
        Entitlement.objects.filter(region_code__startswith=kabupaten_code)
        .order_by()
        .values_list("region_code", "stage__year_id")
        .annotate(n=Count("family", distinct=True))
    )
    for code, year, n in entitled:
        counts.add(code, year, "kpm_ditetapkan", n)
    return counts


def kabupaten_codes() -> list[str]:
    """Every kabupaten with a desa in the region table or a family in the registry."""
    length = regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]
    known = Region.objects.filter(level=regioncode.KABUPATEN).values_list("code", flat=True)
    registered = (
        Family.objects.order_by()
        .values_list(Substr("region_code", 1, length), flat=True)
        .distinct()
    )
    return sorted({code[:length] for code in [*known, *registered]})


def refresh_all(first_month: date | None = None, progress=None) -> list[Refreshed]:
    """`refresh` every kabupaten, each in its own transaction; `progress(done, total, row)`
    is told after each."""
    codes = kabupaten_codes()
    done = []
    for index, code in enumerate(codes, start=1):
        done.append(refresh(code, first_month))
        if progress:
            progress(index, len(codes), done[-1])
    return done
