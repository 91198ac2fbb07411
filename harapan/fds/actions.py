"""State changes of P2K2: groups, membership, meetings and attendance.

Each action checks the user may do it, writes, and records it in the audit
trail. A pendamping runs their own groups; a korcam, korkab, operator or
admin pusat may act on the groups of their region.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.lib import regioncode
from harapan.registry import worklog
from harapan.registry.models import Family, FamilyStatus

from .models import Attendance, Group, Meeting, MeetingStatus, Membership, Presence, Session

GROUP_FIELDS = ["name", "region_code", "leader_id", "active"]


def check_may_run(user, group: Group | None = None) -> None:
    """The user may change P2K2 data, and (for a group) sees it."""
    if not may_change_family_data(user):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data P2K2."))
    if group is not None and not Group.objects.visible_to(user).filter(pk=group.pk).exists():
        raise PermissionDenied(_("Kelompok ini bukan dampingan atau wilayah Anda."))


def _check_group(group: Group) -> None:
    if group.pendamping.role != Role.PENDAMPING:
        raise ValidationError(_("Kelompok harus dipegang seorang pendamping."))
    desa = regioncode.normalize(group.region_code)
    if regioncode.level(desa) != regioncode.DESA:
        raise ValidationError(_("Kelompok berada di satu desa: isi kode desa 10 digit."))
    if not desa.startswith(group.pendamping.region_id or "-"):
        raise ValidationError(_("Desa kelompok di luar kecamatan pendampingnya."))
    group.region_code = desa
    if group.leader_id and not group.pk:
        raise ValidationError(_("Ketua dipilih setelah KPM masuk kelompok."))
    if (
        group.leader_id
        and not group.memberships.current().filter(family_id=group.leader_id).exists()
    ):
        raise ValidationError(_("Ketua kelompok harus KPM anggota kelompok ini."))


@transaction.atomic
def save_group(group: Group, *, acting_user) -> Group:
    """Create or change a group (name, desa, pendamping, leader, active)."""
    check_may_run(acting_user, None if group._state.adding else group)
    if acting_user.role == Role.PENDAMPING and group.pendamping_id != acting_user.pk:
        raise PermissionDenied(_("Pendamping hanya mengelola kelompoknya sendiri."))
    _check_group(group)
    adding = group._state.adding
    before = {} if adding else trail.snapshot(Group.objects.get(pk=group.pk), GROUP_FIELDS)
    group.save()
    if not Group.objects.visible_to(acting_user).filter(pk=group.pk).exists():
        raise PermissionDenied(_("Kelompok ini di luar wilayah Anda."))
    changes = {k: [None, v] for k, v in trail.snapshot(group, GROUP_FIELDS).items()} if adding \
        else trail.diff(before, group)  # fmt: skip
    if changes:
        trail.record(acting_user, f"fds.group.{'create' if adding else 'update'}", group,
                     changes=changes)  # fmt: skip
    return group


@transaction.atomic
def assign_family(group: Group, family: Family, *, on: date, acting_user) -> Membership:
    """Put a family in a group from `on`, closing its membership of another group."""
    check_may_run(acting_user, group)
    if not Family.objects.visible_to(acting_user).filter(pk=family.pk).exists():
        raise PermissionDenied(_("KPM ini bukan dampingan atau wilayah Anda."))
    if family.status != FamilyStatus.ACTIVE:
        raise ValidationError(_("Hanya KPM aktif yang dapat masuk kelompok."))
    if not group.active:
        raise ValidationError(_("Kelompok ini tidak aktif."))
    current = Membership.objects.select_for_update().filter(family=family, left_on=None).first()
    if current is not None:
        if current.group_id == group.pk:
            return current
        if on < current.joined_on:
            raise ValidationError(
                _("Tanggal pindah tidak boleh sebelum tanggal masuk kelompok lama.")
            )
        _close(current, on, acting_user)
    membership = Membership.objects.create(
        group=group, family=family, region_code=family.region_code, joined_on=on
    )
    trail.record(acting_user, "fds.membership.join", family,
                 details={"kelompok": group.pk, "nama_kelompok": group.name,
                          "dari_kelompok": current.group_id if current else None,
                          "tanggal": on})  # fmt: skip
    return membership


def _close(membership: Membership, on: date, acting_user) -> None:
    membership.left_on = on
    membership.save(update_fields=["left_on"])
    group = membership.group
    if group.leader_id == membership.family_id:
        group.leader = None
        group.save(update_fields=["leader"])
    trail.record(acting_user, "fds.membership.leave", membership.family,
                 details={"kelompok": group.pk, "tanggal": on})  # fmt: skip


@transaction.atomic
def remove_family(group: Group, family: Family, *, on: date, acting_user) -> None:
    check_may_run(acting_user, group)
    current = Membership.objects.filter(group=group, family=family, left_on=None).first()
    if current is None:
        raise ValidationError(_("KPM ini bukan anggota kelompok sekarang."))
    if on < current.joined_on:
        raise ValidationError(_("Tanggal keluar tidak boleh sebelum tanggal masuk."))
    _close(current, on, acting_user)


@transaction.atomic
def leave_groups_on_exit(families: QuerySet, *, acting_user=None) -> int:
    """End the open membership of each of `families` that has left PKH, as of its exit date.

    Set-based, for the job that applies exits (graduation.batch): a few
    statements whatever the number of families. A membership begun after the
    exit date ends the day it began. One audit row per membership ended; how
    many ended is returned.
    """
    exited = families.filter(status=FamilyStatus.EXITED).exclude(exit_date=None)
    exit_date = Family.objects.filter(pk=OuterRef("family_id")).values("exit_date")[:1]
    return _end_memberships(
        Membership.objects.open().filter(family__in=exited.values("pk")),
        Subquery(exit_date),
        reason="KPM keluar dari PKH",
        acting_user=acting_user,
    )


def leave_groups_on_move(family: Family, *, old_region_code: str, on: date, acting_user) -> int:
    """A family that moved to another kecamatan leaves its group there, as of `on`.

    The group belongs to a pendamping of the old kecamatan and meets there; the
    family's new pendamping puts it in a group of the new one.
    """
    if regioncode.parent(old_region_code) == regioncode.parent(family.region_code):
        return 0
    return _end_memberships(
        Membership.objects.open().filter(family=family),
        Value(on),
        reason="KPM pindah ke kecamatan lain",
        acting_user=acting_user,
    )


def _end_memberships(ending: QuerySet, left_on, *, reason: str, acting_user) -> int:
    """End the memberships `ending` on `left_on` (never before they began), audited.

    A leader who leaves leaves the group without one.
    """
    count = trail.record_queryset(
        acting_user, "fds.membership.leave", ending, label="family__registry_id",
        details={"sebab": reason},
    )  # fmt: skip
    if not count:
        return 0
    leaders = Group.objects.filter(leader__in=ending.values("family_id"))
    trail.record_queryset(acting_user, "fds.group.update", leaders, label="name",
                          details={"ketua": f"dikosongkan: {reason}"})  # fmt: skip
    leaders.update(leader=None)
    ending.update(left_on=Greatest(F("joined_on"), left_on))
    return count


@transaction.atomic
def plan_meetings(group: Group, days: list[date], *, acting_user) -> list[Meeting]:
    """The pendamping's plan: one planned meeting per date (dates already planned are kept)."""
    check_may_run(acting_user, group)
    existing = set(group.meetings.values_list("planned_on", flat=True))
    made = [
        Meeting.objects.create(group=group, region_code=group.region_code, planned_on=day)
        for day in sorted(set(days)) if day not in existing
    ]  # fmt: skip
    if made:
        trail.record(acting_user, "fds.meeting.plan", group,
                     details={"tanggal": [m.planned_on.isoformat() for m in made]})  # fmt: skip
    return made


@dataclass
class Mark:
    """One family's attendance at a meeting."""

    family_id: int
    presence: str
    attendee: str = ""


def members_on(group: Group, day: date):
    """The families in the group on `day`: joined on or before, not yet left, still in PKH."""
    spans = Membership.objects.filter(
        group=group, family_id=OuterRef("pk"), joined_on__lte=day
    ).filter(Q(left_on=None) | Q(left_on__gt=day))
    return Family.objects.in_programme_on(day).filter(Exists(spans))


@transaction.atomic
def record_meeting(meeting: Meeting, *, held_on: date, place: str, session: Session | None,
                   facilitator, notes: str, marks: list[Mark], acting_user) -> Meeting:  # fmt: skip
    """Record a meeting as held, with the attendance of every family in the group that day.

    All or nothing: a family outside the group, a missing family, a future
    date or an unknown presence stops the whole save. Recording again
    replaces the attendance (audited as a change).
    """
    group = meeting.group
    check_may_run(acting_user, group)
    if held_on > timezone.localdate():
        raise ValidationError(_("Tanggal pelaksanaan belum tiba."))
    if session is not None and not session.active:
        raise ValidationError(_("Sesi ini tidak aktif dalam kurikulum."))
    expected = set(members_on(group, held_on).values_list("pk", flat=True))
    given = {m.family_id for m in marks}
    if len(given) != len(marks):
        raise ValidationError(_("Satu KPM dicatat dua kali."))
    if given - expected:
        raise ValidationError(_("Ada KPM yang bukan anggota kelompok pada tanggal itu."))
    if expected - given:
        raise ValidationError(
            _("Kehadiran %(n)s KPM anggota kelompok belum diisi.") % {"n": len(expected - given)}
        )
    for mark in marks:
        if mark.presence not in Presence.values:
            raise ValidationError(_("Pilih hadir, izin atau tidak hadir untuk setiap KPM."))
    regions = dict(Family.objects.filter(pk__in=given).values_list("pk", "region_code"))
    before = trail.snapshot(meeting, ["status", "held_on", "place", "session_id", "facilitator_id",
                                      "notes"])  # fmt: skip
    old_marks = dict(meeting.attendance.values_list("family_id", "presence"))
    meeting.status, meeting.held_on, meeting.place = MeetingStatus.HELD, held_on, place.strip()
    meeting.session, meeting.facilitator, meeting.notes = session, facilitator, notes.strip()
    meeting.recorded_by, meeting.recorded_at = acting_user, timezone.now()
    meeting.save()
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, family_id=m.family_id, region_code=regions[m.family_id],
                   presence=m.presence, attendee=m.attendee.strip()[:150])
        for m in marks
    )  # fmt: skip
    new_marks = {m.family_id: m.presence for m in marks}
    trail.record(
        acting_user, "fds.meeting.record", meeting, changes=trail.diff(before, meeting),
        details={"kehadiran": {str(k): v for k, v in new_marks.items()},
                 "kehadiran_berubah": old_marks != new_marks and bool(old_marks)},
    )  # fmt: skip
    if worklog.is_pendamping(acting_user):  # the facilitator's work, when a pendamping
        worklog.record_one(facilitator or acting_user, worklog.P2K2_MEETING, on=held_on,
                           source=f"fds.meeting:{meeting.pk}", subject=group.name,
                           region_code=meeting.region_code)  # fmt: skip
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, reason: str, *, acting_user) -> Meeting:
    check_may_run(acting_user, meeting.group)
    if not reason.strip():
        raise ValidationError(_("Alasan pembatalan wajib diisi."))
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("Pertemuan yang sudah terlaksana tidak dapat dibatalkan."))
    meeting.status, meeting.notes = MeetingStatus.CANCELLED, reason.strip()
    meeting.save(update_fields=["status", "notes"])
    trail.record(acting_user, "fds.meeting.cancel", meeting, details={"alasan": reason.strip()})
    return meeting
