"""Coordination meetings (rapat koordinasi): every change, each with its audit row.

The korcam chairs the meetings of their kecamatan, with its pendamping expected; the korkab
chairs those of their kabupaten, with its korcam expected. Only the chair plans, records and
raises items; only an item's owner closes it between meetings. A refusal raises
PermissionDenied (who) or ValidationError (what) before anything is written.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.display import formats

from .models.meetings import (
    ActionFollowUp,
    ActionItem,
    CoordinationMeeting,
    FollowUpStatus,
    ItemStatus,
    MeetingAttendance,
    MeetingLevel,
    MeetingStatus,
    Presence,
)

CHAIR_OF = {Role.KORCAM: MeetingLevel.KECAMATAN, Role.KORKAB: MeetingLevel.KABUPATEN}
ATTENDEE_ROLE = {MeetingLevel.KECAMATAN: Role.PENDAMPING, MeetingLevel.KABUPATEN: Role.KORCAM}
REGION_DIGITS = {MeetingLevel.KECAMATAN: 6, MeetingLevel.KABUPATEN: 4}
CLOSING = {FollowUpStatus.DONE: ItemStatus.DONE, FollowUpStatus.DROPPED: ItemStatus.DROPPED}


def chaired_level(user) -> str | None:
    """The level of meeting `user` chairs, for their own region; None when they chair none."""
    if not (user.is_authenticated and user.is_active and user.region_id):
        return None
    return CHAIR_OF.get(user.role)


def chairs(user, meeting: CoordinationMeeting) -> bool:
    level = chaired_level(user)
    return level == meeting.level and user.region_id == meeting.region_code


def _check_chair(user, meeting: CoordinationMeeting) -> None:
    if not chairs(user, meeting):
        raise PermissionDenied(_("Hanya pemimpin rapat ini yang dapat mencatatnya."))


def expected_attendees(level: str, region_code: str):
    """The active users expected at a meeting: the pendamping of the kecamatan, or the
    korcam of the kabupaten."""
    return User.objects.filter(
        is_active=True, role=ATTENDEE_ROLE[level], region__code__startswith=region_code
    ).order_by("username")


@transaction.atomic
def plan_meeting(*, on: date, place: str, agenda: str, acting_user) -> CoordinationMeeting:
    """A meeting of the acting korcam's kecamatan or korkab's kabupaten, with every active
    pendamping (korcam) of it expected."""
    level = chaired_level(acting_user)
    if level is None:
        raise PermissionDenied(_("Rapat koordinasi direncanakan oleh korcam atau korkab."))
    region = acting_user.region_id
    meeting = CoordinationMeeting.objects.create(
        level=level, region_code=region, on=on, place=place.strip(), agenda=agenda.strip(),
        chair=acting_user, created_by=acting_user,
    )  # fmt: skip
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, user=user) for user in expected_attendees(level, region)
    )
    trail.record(acting_user, "fieldwork.meeting.plan", meeting,
                 details={"tanggal": on, "tingkat": level})  # fmt: skip
    return meeting


@transaction.atomic
def record_meeting(
    meeting: CoordinationMeeting, *, presence: dict[int, str], minutes: str, acting_user
) -> CoordinationMeeting:
    """The attendance of everyone expected (user id → Presence) and the minutes: held."""
    _check_chair(acting_user, meeting)
    if meeting.on > timezone.localdate():
        raise ValidationError(_("Rapat tanggal %(day)s belum berlangsung.")
                              % {"day": formats.day(meeting.on)})  # fmt: skip
    rows = list(meeting.attendance.select_related("user"))
    unmarked = [row.user for row in rows if presence.get(row.user_id) not in Presence.values]
    if unmarked:
        names = ", ".join(user.get_full_name() or user.username for user in unmarked)
        raise ValidationError(_("Isi kehadiran setiap peserta: %(names)s.") % {"names": names})
    if not minutes.strip():
        raise ValidationError(_("Tulis notulen rapat."))
    for row in rows:
        row.presence = presence[row.user_id]
    MeetingAttendance.objects.bulk_update(rows, ["presence"])
    before = trail.snapshot(meeting, ["status", "minutes"])
    meeting.minutes, meeting.status = minutes.strip(), MeetingStatus.HELD
    meeting.recorded_at = timezone.now()
    meeting.save(update_fields=["minutes", "status", "recorded_at"])
    present = sum(1 for row in rows if row.presence == Presence.PRESENT)
    trail.record(acting_user, "fieldwork.meeting.record", meeting,
                 changes=trail.diff(before, meeting),
                 details={"hadir": present, "peserta": len(rows)})  # fmt: skip
    return meeting


@transaction.atomic
def add_action_item(
    meeting: CoordinationMeeting, *, text: str, owner, due_on: date, acting_user
) -> ActionItem:
    _check_chair(acting_user, meeting)
    if not text.strip():
        raise ValidationError(_("Tulis tindak lanjut yang disepakati."))
    if not expected_attendees(meeting.level, meeting.region_code).filter(pk=owner.pk).exists():
        raise ValidationError(
            _("Penanggung jawab harus %(role)s aktif di wilayah rapat ini.")
            % {"role": ATTENDEE_ROLE[meeting.level].label.lower()}
        )
    if due_on < meeting.on:
        raise ValidationError(_("Tenggat tidak boleh sebelum tanggal rapat (%(day)s).")
                              % {"day": formats.day(meeting.on)})  # fmt: skip
    item = ActionItem.objects.create(meeting=meeting, text=text.strip(), owner=owner,
                                     due_on=due_on, created_by=acting_user)  # fmt: skip
    trail.record(acting_user, "fieldwork.action_item.add", item,
                 details={"penanggung_jawab": owner.username, "tenggat": due_on})  # fmt: skip
    return item


@transaction.atomic
def record_follow_up(
    meeting: CoordinationMeeting, item: ActionItem, *, status: str, note: str, acting_user
) -> ActionFollowUp:
    """What `meeting` says of an item carried over to it: still open, done or dropped."""
    _check_chair(acting_user, meeting)
    if status not in FollowUpStatus.values:
        raise ValidationError(_("Pilih perkembangan tindak lanjut."))
    if not ActionItem.objects.carried_to(meeting).open().filter(pk=item.pk).exists():
        raise ValidationError(_("Tindak lanjut ini tidak terbuka pada agenda rapat ini."))
    if item.follow_ups.filter(meeting=meeting).exists():
        raise ValidationError(_("Perkembangan tindak lanjut ini sudah dicatat pada rapat ini."))
    follow_up = ActionFollowUp.objects.create(
        item=item, meeting=meeting, status=status, note=note.strip(), recorded_by=acting_user
    )
    if status in CLOSING:
        before = trail.snapshot(item, ["status", "closed_on"])
        item.status, item.closed_on, item.closed_at = CLOSING[status], meeting.on, timezone.now()
        item.save(update_fields=["status", "closed_on", "closed_at"])
        changes = trail.diff(before, item)
    else:
        changes = {}
    trail.record(acting_user, "fieldwork.action_item.follow_up", item, changes=changes,
                 details={"rapat": meeting.pk, "perkembangan": status})  # fmt: skip
    return follow_up


@transaction.atomic
def close_action_item(item: ActionItem, *, acting_user) -> ActionItem:
    """The owner reports the item done between meetings."""
    if item.owner_id != acting_user.pk:
        raise PermissionDenied(_("Hanya penanggung jawab yang dapat menyelesaikan tindak lanjut."))
    if item.status != ItemStatus.OPEN:
        raise ValidationError(_("Tindak lanjut ini sudah ditutup."))
    before = trail.snapshot(item, ["status", "closed_on"])
    item.status, item.closed_on = ItemStatus.DONE, timezone.localdate()
    item.closed_at = timezone.now()
    item.save(update_fields=["status", "closed_on", "closed_at"])
    trail.record(acting_user, "fieldwork.action_item.close", item,
                 changes=trail.diff(before, item))  # fmt: skip
    return item
