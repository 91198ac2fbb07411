"""State changes of coaching notes (pembinaan berjenjang, DESIGN §9), each audited.

A supervisor writes about someone on a lower tier of their region (roles.supervises)
and records the follow-up when its day has come."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import supervises
from harapan.audit import trail

from .models import CoachingNote


def _check_supervisor(acting_user, person) -> None:
    if not supervises(acting_user, person):
        raise PermissionDenied(_("Anda bukan pembina orang ini di wilayah Anda."))


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def write_note(
    coached, *, on: date, topic: str, note: str, follow_up_on: date, acting_user
) -> CoachingNote:
    _check_supervisor(acting_user, coached)
    topic = _text(topic, "topic", _("Topik pembinaan wajib diisi."))
    note = _text(note, "note", _("Catatan pembinaan wajib diisi."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("Tanggal pembinaan belum tiba.")})
    if follow_up_on < on:
        raise ValidationError(
            {"follow_up_on": _("Tanggal tindak lanjut tidak boleh sebelum tanggal pembinaan.")}
        )
    written = CoachingNote.objects.create(
        coached=coached, region_code=coached.region_id, writer=acting_user, on=on,
        topic=topic, note=note, follow_up_on=follow_up_on,
    )  # fmt: skip
    trail.record(acting_user, "fieldwork.coaching.write", written,
                 details={"coached": coached.pk, "follow_up_on": follow_up_on})  # fmt: skip
    return written


@transaction.atomic
def record_follow_up(coaching: CoachingNote, *, outcome: str, acting_user) -> CoachingNote:
    """The follow-up was done: what came of it. Once, by a supervisor of the person."""
    _check_supervisor(acting_user, coaching.coached)
    outcome = _text(outcome, "outcome", _("Tulis hasil tindak lanjut."))
    done = CoachingNote.objects.filter(pk=coaching.pk, follow_up_done_at__isnull=True).update(
        follow_up_done_at=timezone.now(), follow_up_outcome=outcome
    )
    if not done:
        raise ValidationError(_("Tindak lanjut catatan ini sudah dicatat."))
    coaching.refresh_from_db()
    trail.record(acting_user, "fieldwork.coaching.follow_up", coaching)
    return coaching
