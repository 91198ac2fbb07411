"""State changes of the activity log: what a pendamping types (a home visit, a
socialisation), what they delete of it, and the work other apps report through
`registry.worklog` (written here, in one INSERT per report)."""

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.audit import trail
from harapan.registry import worklog
from harapan.registry.models import Family

from .kinds import ActivityType
from .models import Activity

# How far back a typed activity may be dated: the log of last month still open, not a year.
BACKDATE_DAYS = 60
# "lat,long" in decimal degrees, as the form's "use my location" button fills it.
COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def record_done_work(sender, *, works: list[worklog.Work], **kwargs) -> None:
    """The receiver of `worklog.work_done`: one activity per work, in one INSERT; a work
    already logged (same kind and source) is skipped by the database."""
    Activity.objects.bulk_create(
        [
            Activity(pendamping_id=w.pendamping_id, on=w.on, kind=w.kind, family_id=w.family_id,
                     subject=w.subject[:200], place_code=w.region_code[:10], source=w.source,
                     created_by_id=w.pendamping_id)
            for w in works
        ],
        ignore_conflicts=True,
    )  # fmt: skip


def check_may_log(user) -> None:
    if not worklog.is_pendamping(user) or not user.is_active:
        raise PermissionDenied(_("Hanya pendamping yang mencatat kegiatannya sendiri."))


def clean_day(on: date, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("Tanggal kegiatan belum tiba.")})
    if on < today - timedelta(days=BACKDATE_DAYS):
        raise ValidationError(
            {
                "on": _("Kegiatan lebih dari %(days)s hari yang lalu tidak dapat dicatat lagi.")
                % {"days": BACKDATE_DAYS}
            }  # fmt: skip
        )
    return on


def clean_location(text: str) -> str:
    """A place name, or coordinates "lat,long" that must lie on the globe."""
    text = (text or "").strip()
    match = COORDINATES.match(text)
    if match:
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError({"location": _("Koordinat lokasi tidak valid.")})
        return f"{lat:.6f},{lon:.6f}"
    if len(text) > 200:
        raise ValidationError({"location": _("Lokasi paling panjang 200 karakter.")})
    return text


@transaction.atomic
def log_activity(
    *, on: date, kind: str, acting_user, family: Family | None = None, subject: str = "",
    note: str = "", location: str = "", today: date | None = None,
) -> Activity:  # fmt: skip
    """A pendamping's own activity, typed; the family, if any, must be of their caseload.

    `today` is the day the log is kept as of (the clock's day when not given): the day may
    be at most BACKDATE_DAYS before it and not after it. Only trusted code passes it, to
    write a history as it was typed day by day (the demo's year of work); the form and
    the API never do (their cleaned data has no such field)."""
    check_may_log(acting_user)
    if kind not in ActivityType.values:
        raise ValidationError({"kind": _("Pilih jenis kegiatan.")})
    clean_day(on, today)
    if family is not None and not (
        Family.objects.visible_to(acting_user).filter(pk=family.pk).exists()
    ):
        raise ValidationError({"family": _("KPM ini bukan dampingan Anda.")})
    subject = (subject or "").strip()
    if len(subject) > 200:
        raise ValidationError({"subject": _("Sasaran paling panjang 200 karakter.")})
    activity = Activity.objects.create(
        pendamping=acting_user, on=on, kind=kind, family=family, subject=subject,
        place_code=family.region_code if family is not None else (acting_user.region_id or ""),
        note=(note or "").strip(), location=clean_location(location), created_by=acting_user,
    )  # fmt: skip
    trail.record(acting_user, "fieldwork.activity.log", activity,
                 details={"jenis": kind, "tanggal": on,
                          "keluarga": family.registry_id if family else ""})  # fmt: skip
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, acting_user) -> None:
    """A pendamping deletes an activity they typed; what Harapan recorded stays."""
    if activity.pendamping_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("Hanya kegiatan Anda sendiri yang dapat dihapus."))
    if activity.source:
        raise ValidationError(_("Kegiatan yang tercatat otomatis tidak dapat dihapus."))
    trail.record(acting_user, "fieldwork.activity.delete", activity,
                 details={"jenis": activity.kind, "tanggal": activity.on})  # fmt: skip
    activity.delete()
