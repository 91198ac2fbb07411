"""Refreshing the summary tables (models.py) of one kabupaten, set-based (issue 18).

`refresh(kabupaten)` counts every figure of every desa of the kabupaten with a fixed number
of grouped queries per month, stage year and year (never a query per desa or family), then
replaces the kabupaten's rows inside one transaction, so that a reader sees the old rows or
the new ones, never half. Each figure is taken from the rule the detailed page uses:

- components, owed / verified / compliant: compliance/monitoring.py (`commitments.owed`,
  `figures_by`), on the month's first day;
- KPM: `registry.models.in_programme_on` on the month's day (its last day, or the refresh day
  for the month still running), as the family list counts them: like the components and the
  gap lists, it does not ask when the family was registered (the registry's `created_at` is
  when it was imported, not when it joined PKH). The families served in a year (DesaYear)
  are, as its contract says, those registered by the year's end;
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
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from harapan import bulk
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

    def of(self, kabupaten: str) -> dict:
        """The rows of the desa of `kabupaten`."""
        return {key: row for key, row in self.rows.items() if key[0].startswith(kabupaten)}


def refresh(kabupaten_code: str, first_month: date | None = None, today: date | None = None):
    """Count and replace the summary rows of every desa of `kabupaten_code` (4 digits) for
    the months from `first_month` (default: January of last year) to today's, and the
    stages and years since the first year in the data (a few grouped queries over the
    entitlements: the province history reaches back to it); a `Refreshed`."""
    return refresh_many([kabupaten_code], first_month, today)[0]


def refresh_many(
    codes: list[str], first_month: date | None = None, today: date | None = None, *,
    everywhere: bool = False, progress=None,
) -> list[Refreshed]:  # fmt: skip
    """`refresh` of each kabupaten of `codes`, counted together: each grouped query reads
    the families and members of all of them once, not once per kabupaten (a whole province's
    night: 15 scans of the members fewer per query). `everywhere`: `codes` are every
    kabupaten with data, and the queries need no filter. Each kabupaten's rows are then
    replaced in a transaction of its own; `progress(done, total, refreshed)` hears each."""
    today = today or timezone.localdate()
    first_month = (first_month or default_first_month(today)).replace(day=1)
    months = months_between(first_month, today)
    where = Q() if everywhere else reduce(or_, (Q(region_code__startswith=c) for c in codes))
    families = Family.objects.filter(where)
    members = Member.objects.filter(where)

    monthly = _Counts()
    for month in months:
        _count_month(monthly, month, month_day(month, today), families, members)
    _count_fds(monthly, where, months)
    _count_exits(monthly, families, months, today)
    _count_complaints(monthly, where, months, today)
    _count_decided(monthly, where, months, today)
    years = list(range(first_year(where, families, today), today.year + 1))
    staged = _count_stages(where, years)
    yearly = _count_years(where, families, years)

    length = regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]
    found = {code[:length] for counts in (monthly, staged, yearly) for code, _key in counts.rows}
    if everywhere:
        codes = sorted({*codes, *found})
    done = []
    for code in codes:
        rows = [counts.of(code) for counts in (monthly, staged, yearly)]
        done.append(_replace(code, first_month, today, len(months), *rows))
        if progress:
            progress(len(done), len(codes), done[-1])
    return done


def _replace(code: str, first_month: date, today: date, months: int,
             monthly: dict, staged: dict, yearly: dict) -> Refreshed:  # fmt: skip
    """Replace the rows of kabupaten `code` with the ones counted, in one transaction."""
    with transaction.atomic():
        DesaMonth.objects.filter(region_code__startswith=code, month__gte=first_month).delete()
        DesaStage.objects.filter(region_code__startswith=code).delete()
        DesaYear.objects.filter(region_code__startswith=code).delete()
        _insert(DesaMonth, ("region_code", "month"), monthly)
        _insert(DesaStage, ("region_code", ("year", "stage")), staged)
        _insert(DesaYear, ("region_code", "year"), yearly)
        SummaryRun.objects.update_or_create(
            kabupaten_code=code,
            defaults={"refreshed_at": timezone.now(), "as_of": today, "first_month": first_month},
        )
    return Refreshed(code, months, len(monthly), len(staged), len(yearly))


def _insert(model, keys: tuple, rows: dict) -> None:
    """Write `rows` {(desa, key): {column: figure}} into `model`'s table through the bulk
    path (COPY on PostgreSQL): Django's bulk_create spent 30 s preparing the 63,000 rows of
    Lampung's desa-months, the COPY a fraction of a second. `keys` name the row key's parts
    (a tuple for a key of two columns)."""
    key_columns = [part for key in keys for part in (key if isinstance(key, tuple) else (key,))]
    figures = [field.column for field in model._meta.concrete_fields
               if not field.primary_key and field.column not in key_columns]  # fmt: skip
    writer = bulk.BulkWriter(model._meta.db_table, (*key_columns, *figures))
    for (desa, key), found in rows.items():
        key_values = key if isinstance(key, tuple) else (key,)
        writer.add((desa, *key_values, *(found.get(column, 0) for column in figures)))
    writer.flush()


def _count_month(counts: _Counts, month: date, day: date, families, members) -> None:
    """The figures of one month taken on a day: KPM, components, verification, KKS, gaps."""
    active = (
        families.filter(in_programme_on(day))
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
        counts.add(row.key, month, "tidak_patuh", row.non_compliant)
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


def _count_fds(counts: _Counts, where: Q, months: list[date]) -> None:
    """Held meetings planned in each month, their attendance rows and `hadir` rows."""
    first, after = _month_range(months)
    held = Meeting.objects.filter(
        where,
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


def _count_complaints(counts: _Counts, where: Q, months, today: date) -> None:
    """Complaints received in each month; of those, resolved by now and resolved on time."""
    first, after = _month_range(months)
    rows = list(
        Complaint.objects.filter(
            where,
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


def _count_decided(counts: _Counts, where: Q, months, today: date) -> None:
    """Change requests of the desa's families decided in each month (local time)."""
    first, after = _month_range(months)
    rows = (
        ChangeRequest.objects.filter(
            where,
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


def _count_stages(where: Q, years: list[int]) -> _Counts:
    """Per desa and stage of `years`: families and money entitled, and disbursed."""
    counts = _Counts()
    entitled = (
        Entitlement.objects.filter(where, stage__year_id__in=years)
        .order_by()
        .values_list("region_code", "stage__year_id", "stage__number")
        .annotate(families=Count("pk"), amount=Sum("total"))
    )
    for code, year, number, families, amount in entitled:
        counts.add(code, (year, number), "kpm_ditetapkan", families)
        counts.add(code, (year, number), "jumlah_ditetapkan", amount)
    paid = (
        Disbursement.objects.filter(
            where,
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


def first_year(where: Q, families, today: date) -> int:
    """The first year in the kabupaten's data: of its earliest family registered or stage
    with an entitlement (the index's stages exist from 2020 in every database: not data)."""
    registered = families.aggregate(first=Min("created_at"))["first"]
    entitled = Entitlement.objects.filter(where).aggregate(first=Min("stage__year_id"))["first"]
    years = [today.year]
    if registered is not None:
        years.append(timezone.localtime(registered).year)
    if entitled is not None:
        years.append(entitled)
    return min(years)


def _count_years(where: Q, families, years: list[int]) -> _Counts:
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
        Entitlement.objects.filter(where)
        .order_by()
        .values_list("region_code", "stage__year_id")
        .annotate(n=Count("family", distinct=True))
    )
    for code, year, n in entitled:
        counts.add(code, year, "kpm_ditetapkan", n)
    return counts


def kabupaten_codes() -> list[str]:
    """The kabupaten with a family in the registry, or with summary rows to replace (one
    whose families all moved away is refreshed to none). Not every kabupaten of the region
    table: most of Indonesia's 514 have no family here."""
    length = regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]
    registered = (
        Family.objects.order_by()
        .values_list(Substr("region_code", 1, length), flat=True)
        .distinct()
    )
    summarised = SummaryRun.objects.values_list("kabupaten_code", flat=True)
    return sorted({*registered, *summarised})


def kabupaten_of(prefixes: list[str]) -> list[str]:
    """The kabupaten holding or inside each region of `prefixes` ('' or a province: every
    kabupaten in it)."""
    length = regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN]
    found = {prefix[:length] for prefix in prefixes if len(prefix) >= length}
    wide = [prefix for prefix in prefixes if len(prefix) < length]
    if wide:
        found |= {code for code in kabupaten_codes() if code.startswith(tuple(wide))}
    return sorted(found)


def refresh_all(first_month: date | None = None, progress=None) -> list[Refreshed]:
    """`refresh` every kabupaten with data, counted together (`refresh_many`), each
    kabupaten's rows replaced in its own transaction."""
    return refresh_many(kabupaten_codes(), first_month, everywhere=True, progress=progress)
