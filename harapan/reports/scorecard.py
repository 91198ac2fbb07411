"""The scorecard of pendamping performance, figure by figure (DESIGN §9 and §12).

For a year Y and a month M, or the year to date (every month of Y up to M; this year up to
this month, a past year all twelve): one `Row` per pendamping, or per kecamatan, kabupaten or
province (the pendamping's `User.region_id` prefix), each roll-up the sum of its pendamping
rows, percentages recomputed from the summed counts.

"Families of P" are the families whose pendamping at the end of the period's last day is P
(`registry.assignment_history.pendamping_on`). Every figure comes from the function of the
app that owns it, so it equals what that app's page shows: owed and verified commitments
(`compliance.monitoring.figures_by`), meetings and attendance
(`fds.reports.meetings_by_pendamping`), GSM targets (`graduation.targets`), complaints on
time (`complaints.sla.resolved_on_time`), plan realisation
(`fieldwork.realisation.realisation_of_many`).

Set-based: a fixed number of grouped queries per month of the period, whatever the number of
pendamping or families. `rows(...)` is the one public entry (pages, command, annual report).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _t

from harapan.accounts.roles import Role
from harapan.benefits.kks import AWAY_STATUSES
from harapan.benefits.models import KksCustody
from harapan.complaints.models import Complaint, Level
from harapan.complaints.sla import resolved_on_time
from harapan.compliance import monitoring
from harapan.fds.models import Meeting
from harapan.fds.reports import meetings_by_pendamping
from harapan.fieldwork.realisation import realisation_of_many
from harapan.graduation import targets as gsm_targets
from harapan.lib import regioncode
from harapan.lib.months import add_months
from harapan.registry.assignment_history import pendamping_on
from harapan.registry.models import (
    ChangeRequest,
    ChangeStatus,
    ExitReason,
    Family,
    Member,
    in_programme_on,
)
from harapan.reporting import region_names
from harapan.workdays.calendar import Calendar

from .models import Figure, FigureTarget

PENDAMPING, KECAMATAN, KABUPATEN, PROVINSI = "pendamping", "kecamatan", "kabupaten", "provinsi"
PER = (PENDAMPING, KECAMATAN, KABUPATEN, PROVINSI)
# A roll-up row's region is this prefix of its pendamping's region (DESIGN §3).
CODE_LENGTH = {
    KECAMATAN: regioncode.LENGTH_BY_LEVEL[regioncode.KECAMATAN],
    KABUPATEN: regioncode.LENGTH_BY_LEVEL[regioncode.KABUPATEN],
    PROVINSI: regioncode.LENGTH_BY_LEVEL[regioncode.PROVINCE],
}
# §12: the command's CSV header, in this order.
HEADER = ["wilayah", "pendamping", "kpm_aktif", "wajib_verifikasi", "terverifikasi",
          "pertemuan_p2k2", "kehadiran_p2k2", "gsm", "target_gsm", "alamiah",
          "pengaduan_selesai", "pengaduan_tepat_waktu", "pemutakhiran", "kks_tidak_di_kpm",
          "rencana", "realisasi"]  # fmt: skip
# Targets in per cent when no FigureTarget row applies (national defaults).
DEFAULT_TARGETS = {
    Figure.VERIFICATION: 100,
    Figure.ATTENDANCE: 80,
    Figure.COMPLAINTS: 100,
    Figure.REALISATION: 100,
}
# The counts a roll-up sums (everything but the labels).
COUNTS = ("kpm_aktif", "wajib_verifikasi", "terverifikasi", "pertemuan_p2k2", "hadir",
          "kehadiran_baris", "gsm", "target_gsm", "alamiah", "pengaduan_selesai",
          "pengaduan_tepat_waktu", "pemutakhiran", "kks_tidak_di_kpm", "rencana",
          "realisasi", "pendamping_count")  # fmt: skip


class BadPeriod(ValueError):
    """A year or month the scorecard cannot be made for (the message says why, in Indonesian)."""


def percent(part: int, whole: int) -> float | None:
    """One decimal, from the counts (never an average of percentages)."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Period:
    year: int
    month: int | None  # None: the year to date
    months: list[date]  # first days, in order

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def last_day(self) -> date:
        return add_months(self.months[-1], 1) - timedelta(days=1)

    @property
    def last_month(self) -> int:
        return self.months[-1].month


def period(year: int, month: int | None = None, today: date | None = None) -> Period:
    """Month M of Y, or the year to date: this year up to this month, a past year all 12."""
    today = today or timezone.localdate()
    if month is not None and not 1 <= month <= 12:
        raise BadPeriod(_t("Bulan harus antara 1 dan 12."))
    if year > today.year or (year == today.year and (month or 1) > today.month):
        raise BadPeriod(_t("Periode %(period)s belum dimulai.") % {
            "period": f"{year}-{month:02d}" if month else str(year)})  # fmt: skip
    if month:
        return Period(year, month, [date(year, month, 1)])
    last = today.month if year == today.year else 12
    return Period(year, None, [date(year, m, 1) for m in range(1, last + 1)])


@dataclass
class Row:
    """One pendamping's figures (`username` set) or a region's (`username` empty)."""

    code: str  # wilayah: the pendamping's region, or the roll-up's 2/4/6-digit code
    username: str = ""
    label: str = ""  # the pendamping's full name, or the region's name
    pendamping_id: int | None = None
    kpm_aktif: int = 0
    wajib_verifikasi: int = 0
    terverifikasi: int = 0
    pertemuan_p2k2: int = 0
    hadir: int = 0
    kehadiran_baris: int = 0
    gsm: int = 0
    target_gsm: int = 0
    alamiah: int = 0
    pengaduan_selesai: int = 0
    pengaduan_tepat_waktu: int = 0
    pemutakhiran: int = 0
    kks_tidak_di_kpm: int = 0
    rencana: int = 0
    realisasi: int = 0
    pendamping_count: int = 1
    # The per-cent targets of the row's region, by Figure (filled by `rows`).
    targets: dict = field(default_factory=dict)
    months_in_period: int = 12  # how much of the year's GSM target is due by the period's end

    # Percentages (one decimal) ---------------------------------------------------------
    @property
    def verifikasi_persen(self) -> float | None:
        return percent(self.terverifikasi, self.wajib_verifikasi)

    @property
    def kehadiran_p2k2(self) -> float | None:
        return percent(self.hadir, self.kehadiran_baris)

    @property
    def tepat_waktu_persen(self) -> float | None:
        return percent(self.pengaduan_tepat_waktu, self.pengaduan_selesai)

    @property
    def realisasi_persen(self) -> float | None:
        return percent(self.realisasi, self.rencana)

    @property
    def gsm_due(self) -> float:
        """The part of the year's GSM target due by the end of the period (pro rata)."""
        return self.target_gsm * self.months_in_period / 12

    # Against the targets: True met, False below, None nothing to judge -----------------
    def _against(self, value: float | None, figure: str) -> bool | None:
        return None if value is None else value >= self.targets.get(figure, 0)

    @property
    def verifikasi_met(self) -> bool | None:
        return self._against(self.verifikasi_persen, Figure.VERIFICATION)

    @property
    def kehadiran_met(self) -> bool | None:
        return self._against(self.kehadiran_p2k2, Figure.ATTENDANCE)

    @property
    def pengaduan_met(self) -> bool | None:
        return self._against(self.tepat_waktu_persen, Figure.COMPLAINTS)

    @property
    def realisasi_met(self) -> bool | None:
        return self._against(self.realisasi_persen, Figure.REALISATION)

    @property
    def gsm_met(self) -> bool | None:
        return None if not self.target_gsm else self.gsm >= self.gsm_due

    @property
    def below_target(self) -> bool:
        """Some figure below its target: the row is highlighted for the supervisor."""
        judged = (self.verifikasi_met, self.kehadiran_met, self.pengaduan_met,
                  self.realisasi_met, self.gsm_met)  # fmt: skip
        return any(met is False for met in judged)

    @property
    def is_pendamping(self) -> bool:
        return bool(self.username)

    def add(self, other: "Row") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def csv_line(self) -> list:
        """The §12 line: kehadiran_p2k2 with one decimal, empty when there was no row."""
        attendance = "" if self.kehadiran_p2k2 is None else f"{self.kehadiran_p2k2:.1f}"
        return [self.code, self.username, self.kpm_aktif, self.wajib_verifikasi,
                self.terverifikasi, self.pertemuan_p2k2, attendance, self.gsm,
                self.target_gsm, self.alamiah, self.pengaduan_selesai,
                self.pengaduan_tepat_waktu, self.pemutakhiran, self.kks_tidak_di_kpm,
                self.rencana, self.realisasi]  # fmt: skip


# Who is counted ----------------------------------------------------------------------------


def pendamping_of(user=None, region: str | None = None) -> QuerySet:
    """The pendamping with a row: those `user` may follow (everyone without a user), cut to
    `region` (a prefix of their region)."""
    people = (
        gsm_targets.pendamping_in_scope(user)
        if user is not None
        else get_user_model().objects.filter(role=Role.PENDAMPING, is_active=True)
    )
    if region:
        people = people.filter(region__code__startswith=region)
    return people


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The figures, each a few grouped queries ----------------------------------------------------


def _family_figures(span: Period, ids: list[int]) -> dict[int, dict]:
    """kpm_aktif, gsm, alamiah and kks_tidak_di_kpm of the families of each pendamping (one
    query): active on the last day; GSM exits dated from 1 January to the last day; natural
    exits dated in the period; the newest KKS entry dated on or before the last day is not
    "held by the KPM" (no entry: the KPM holds it, benefits/kks.py)."""
    last = span.last_day
    kks_then = (
        KksCustody.objects.filter(family=OuterRef("pk"), since__lte=last)
        .order_by("-since", "-id")
        .values("status")[:1]
    )
    rows = (
        Family.objects.annotate(holder=pendamping_on(last), kks_then=Subquery(kks_then))
        .filter(holder__in=ids)
        .order_by()
        .values("holder")
        .annotate(
            kpm_aktif=Count("pk", filter=in_programme_on(last)),
            gsm=Count(
                "pk",
                filter=Q(
                    exit_reason=ExitReason.SEJAHTERA_MANDIRI,
                    exit_date__range=(date(span.year, 1, 1), last),
                ),
            ),
            alamiah=Count(
                "pk",
                filter=Q(exit_reason=ExitReason.ALAMIAH, exit_date__range=(span.first_day, last)),
            ),
            kks_tidak_di_kpm=Count("pk", filter=Q(kks_then__in=AWAY_STATUSES)),
        )  # fmt: skip
    )
    return {row.pop("holder"): row for row in rows}


def _verification(span: Period, ids: list[int]) -> dict[int, list[int]]:
    """{pendamping: [owed, verified]} summed over the months (one query a month), of the
    members of P's families, as the verification monitoring counts them."""
    holder = pendamping_on(span.last_day, family="family")
    members = Member.objects.annotate(holder=holder).filter(holder__in=ids)
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for month in span.months:
        for figures in monitoring.figures_by(month, members, holder):
            found[figures.key][0] += figures.owed
            found[figures.key][1] += figures.verified
    return found


def _meetings(span: Period, ids: list[int]) -> dict[int, list[int]]:
    """{pendamping: [held meetings, hadir rows, attendance rows]} of P's groups (one query a
    month)."""
    meetings = Meeting.objects.filter(group__pendamping_id__in=ids)
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for month in span.months:
        for figures in meetings_by_pendamping(month, meetings):
            found[figures.key][0] += figures.held
            found[figures.key][1] += figures.present
            found[figures.key][2] += figures.marked
    return found


def _complaints(span: Period, ids: list[int]) -> dict[int, list[int]]:
    """{pendamping: [resolved, on time]}: complaints P resolved at the pendamping level in the
    period, and of those the ones every step of which ended by its deadline (one query and
    the calendar)."""
    since, until = _aware(span.first_day), _aware(add_months(span.months[-1], 1))
    resolved = list(
        Complaint.objects.filter(resolved_level=Level.PENDAMPING, resolved_by_id__in=ids,
                                 resolved_at__gte=since, resolved_at__lt=until)
        .order_by()
        .values_list("resolved_by_id", "received_at", "triaged_at", "responded_at",
                     "reopened_at", "resolved_at", named=True)
    )  # fmt: skip
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if not resolved:
        return found
    years = {row.received_at.year for row in resolved} | {span.year}
    calendar = Calendar.for_years(years)
    for row in resolved:
        found[row.resolved_by_id][0] += 1
        found[row.resolved_by_id][1] += resolved_on_time(row, calendar)
    return found


def _data_updates(span: Period, ids: list[int]) -> dict[int, int]:
    """{pendamping: data updates of P's families decided (approved or rejected) in the
    period} (one query)."""
    since, until = _aware(span.first_day), _aware(add_months(span.months[-1], 1))
    rows = (
        ChangeRequest.objects.filter(
            status__in=(ChangeStatus.APPROVED, ChangeStatus.REJECTED),
            decided_at__gte=since,
            decided_at__lt=until,
        )
        .annotate(holder=pendamping_on(span.last_day, family="family"))
        .filter(holder__in=ids)
        .order_by()
        .values_list("holder")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _plans(span: Period, ids: list[int]) -> dict[int, list[int]]:
    """{pendamping: [rencana, realisasi]} of their accepted plans (two queries a month)."""
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for month in span.months:
        for pendamping_id, realisation in realisation_of_many(ids, month).items():
            found[pendamping_id][0] += realisation.rencana
            found[pendamping_id][1] += realisation.realisasi
    return found


def targets_of_year(year: int) -> dict[str, dict[str, int]]:
    """{figure: {region prefix: per cent}} of the year's FigureTarget rows (one query)."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for figure, code, value in FigureTarget.objects.filter(year=year).values_list(
        "figure", "region_code", "percent"
    ):
        table[figure][code] = value
    return table


def targets_for(table: dict, region_code: str | None) -> dict[str, int]:
    """The per-cent target of each figure for `region_code`: the longest prefix wins."""
    return {
        figure: gsm_targets.resolve(table.get(figure, {}), region_code, default)
        for figure, default in DEFAULT_TARGETS.items()
    }


# The rows --------------------------------------------------------------------------------


def pendamping_rows(span: Period, people: QuerySet) -> list[Row]:
    """One Row per pendamping of `people`, ordered by region then name."""
    users = list(people.only("pk", "username", "first_name", "last_name", "region_id"))
    ids = [user.pk for user in users]
    if not ids:
        return []
    families = _family_figures(span, ids)
    verification = _verification(span, ids)
    meetings = _meetings(span, ids)
    complaints = _complaints(span, ids)
    updates = _data_updates(span, ids)
    plans = _plans(span, ids)
    gsm_table = gsm_targets.targets_of_year(span.year)
    figure_table = targets_of_year(span.year)
    rows = []
    for user in users:
        pk = user.pk
        row = Row(code=user.region_id or "", username=user.username, label=str(user),
                  pendamping_id=pk, months_in_period=span.last_month,
                  target_gsm=gsm_targets.resolve(gsm_table, user.region_id),
                  targets=targets_for(figure_table, user.region_id),
                  **families.get(pk, {}))  # fmt: skip
        row.wajib_verifikasi, row.terverifikasi = verification.get(pk, (0, 0))
        row.pertemuan_p2k2, row.hadir, row.kehadiran_baris = meetings.get(pk, (0, 0, 0))
        row.pengaduan_selesai, row.pengaduan_tepat_waktu = complaints.get(pk, (0, 0))
        row.pemutakhiran = updates.get(pk, 0)
        row.rencana, row.realisasi = plans.get(pk, (0, 0))
        rows.append(row)
    return sorted(rows, key=lambda r: (r.code, r.label.lower(), r.username))


def rollup(pendamping: list[Row], per: str, year: int) -> list[Row]:
    """The sum of the pendamping rows per region prefix at `per`; percentages follow from
    the sums. Each region's row is judged against that region's targets."""
    length = CODE_LENGTH[per]
    regions: dict[str, Row] = {}
    for row in pendamping:
        code = row.code[:length]
        total = regions.setdefault(
            code, Row(code=code, pendamping_count=0, months_in_period=row.months_in_period)
        )
        total.add(row)
    table = targets_of_year(year) if regions else {}
    names = region_names([code for code in regions if code])
    for code, row in regions.items():
        row.label = names.get(code, code) if code else _t("Tanpa wilayah")
        row.targets = targets_for(table, code)
    return [regions[code] for code in sorted(regions)]


def rows(year: int, month: int | None = None, region: str | None = None,
         per: str = PENDAMPING, user=None, today: date | None = None) -> list[Row]:  # fmt: skip
    """THE scorecard: the §9 rows of `year` and `month` (None: the year to date) for the
    pendamping `user` may follow (everyone when None), cut to `region` (a code prefix), one
    per pendamping or rolled up per kecamatan, kabupaten or provinsi.

    Raises BadPeriod (an Indonesian message) for a month out of range or not yet begun.
    """
    if per not in PER:
        raise BadPeriod(_t("Pengelompokan tidak dikenal: %(per)s.") % {"per": per})
    span = period(year, month, today)
    try:
        region = regioncode.normalize(region) if region else ""
    except regioncode.InvalidRegionCode as exc:
        raise BadPeriod(_t("Kode wilayah tidak sah: %(code)s.") % {"code": region}) from exc
    people = pendamping_rows(span, pendamping_of(user, region))
    return people if per == PENDAMPING else rollup(people, per, year)
