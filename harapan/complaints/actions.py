"""Every state change of a complaint (DESIGN §8), one function each, each audited.

received → triaged → first response → resolved with a decision and a public
text; the complainant may reopen it once, within 14 days of its resolution,
with its code and PIN, and it returns to the level (and user) that resolved
it. Each step is claimed with a conditional update on the status it expects,
so two people acting at once cannot both take it. The public never acts
through a user: `submit_complaint` from the web form and `reopen_complaint`
take no acting user.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.lib import nik as nikcode
from harapan.regions.lookup import NotADesa, desa_code
from harapan.registry import worklog
from harapan.registry.models import Family

from . import routing
from .access import accused_candidates, covers, may_handle, may_identify_accused
from .attachments import Checked
from .models import (
    CONDUCT_CATEGORIES,
    EARLY_DECISIONS,
    OPEN_STATUSES,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintNote,
    ComplaintNotice,
    Decision,
    Level,
    Status,
    level_of,
    normalize_kode,
)

REOPEN_DAYS = 14  # DESIGN §8: once, within 14 days of the resolution
_KODE_TRIES = 5


def _desa(code: str) -> str:
    try:
        return desa_code(code)
    except NotADesa as problem:
        raise ValidationError(
            {"region_code": _("Pilih desa/kelurahan yang terdaftar.")}
        ) from problem


def _complainant_nik(text: str) -> str:
    if not (text or "").strip():
        return ""
    try:
        nikcode.parse_nik(text)
    except nikcode.InvalidNik as problem:
        raise ValidationError({"nik": str(problem)}) from problem
    return nikcode.clean_nik(text)


def _check_intake(*, saluran, received_at, region_code, acting_user) -> None:
    """The public files through the web form, at the moment it is sent; walk-ins, calls and
    SP4N-LAPOR! referrals are recorded by staff, for a desa of their region, with the time
    of receipt they give (DESIGN §12)."""
    if acting_user is None:
        if saluran != Channel.WEB or received_at is not None:
            raise PermissionDenied(_("Pengaduan lewat saluran ini dicatat oleh petugas."))
        return
    if not may_change_family_data(acting_user):
        raise PermissionDenied(_("Peran Anda tidak mencatat pengaduan."))
    if not region_code.startswith(acting_user.region_prefix):
        raise PermissionDenied(_("Desa ini di luar wilayah Anda."))
    if received_at is not None and received_at > timezone.now():
        raise ValidationError({"received_at": _("Waktu diterima belum tiba.")})


def _check_length(model, **values) -> None:
    for field, value in values.items():
        limit = model._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError(
                {field: _("Paling banyak %(limit)s karakter.") % {"limit": limit}}
            )


def _check_subject(kategori, region_code, family, accused, accused_name) -> None:
    if family is not None and family.region_code != region_code:
        raise ValidationError({"family": _("KPM ini tidak berada di desa yang dipilih.")})
    if kategori in CONDUCT_CATEGORIES:
        if accused is None and accused_name:  # the public form: the korcam finds them
            return
        if accused is None or accused.role != Role.PENDAMPING or not accused.region_id:
            raise ValidationError(
                {"accused": _("Sebutkan pendamping yang diadukan (pendamping PKH yang terdaftar).")}
            )
    elif accused is not None or accused_name:
        raise ValidationError(
            {
                "accused": _(
                    "Pendamping diadukan hanya pada pengaduan perilaku pendamping atau pungli."
                )
            }
        )


@transaction.atomic
def submit_complaint(
    *, kategori: str, saluran: str, uraian: str, region_code: str,
    family: Family | None = None, accused: User | None = None, accused_name: str = "",
    name: str = "", phone: str = "", nik: str = "", received_at: datetime | None = None,
    attachment: Checked | None = None, acting_user=None,
) -> tuple[Complaint, str]:  # fmt: skip
    """A new complaint, routed (routing.py); returns it and its PIN, shown this once.

    A conduct complaint names the accused pendamping as a user (staff), or only by the
    name the complainant wrote (`accused_name`, the public form). `attachment` was
    checked by attachments.check_attachment; it is saved with the complaint or not at all."""
    if kategori not in Category.values:
        raise ValidationError({"kategori": _("Pilih kategori pengaduan.")})
    if saluran not in Channel.values:
        raise ValidationError({"saluran": _("Pilih saluran pengaduan.")})
    uraian = (uraian or "").strip()
    if not uraian:
        raise ValidationError({"uraian": _("Uraian pengaduan wajib diisi.")})
    region_code = _desa(region_code)
    _check_intake(saluran=saluran, received_at=received_at, region_code=region_code,
                  acting_user=acting_user)  # fmt: skip
    accused_name = " ".join((accused_name or "").split())
    _check_subject(kategori, region_code, family, accused, accused_name)
    complainant_nik = _complainant_nik(nik)
    name, phone = " ".join((name or "").split()), " ".join((phone or "").split())
    _check_length(Complaint, complainant_name=name, complainant_phone=phone,
                  accused_name=accused_name)  # fmt: skip
    start = routing.route(region_code=region_code, family=family, accused=accused,
                          conduct=kategori in CONDUCT_CATEGORIES)  # fmt: skip
    received_at = received_at or timezone.now()
    pin = Complaint.new_pin()
    complaint = Complaint(
        kategori=kategori, saluran=saluran, uraian=uraian, region_code=region_code,
        family=family, accused=accused, accused_name=accused_name, complainant_name=name,
        complainant_phone=phone, complainant_nik=complainant_nik,
        tingkat=start.tingkat, handler=start.handler, received_at=received_at,
        step_started_at=received_at,
    )  # fmt: skip
    for attempt in range(_KODE_TRIES):
        complaint.kode = Complaint.new_kode()
        complaint.set_pin(pin)
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # the code was taken: 1 in ~10^11, draw another
            if attempt == _KODE_TRIES - 1:
                raise
    details = {"saluran": saluran, "tingkat": start.tingkat}
    if attachment is not None:
        ComplaintAttachment.objects.create(
            complaint=complaint, name=attachment.name, content_type=attachment.content_type,
            size=attachment.size, data=attachment.data,
        )  # fmt: skip
        details["lampiran"] = attachment.name
    trail.record(acting_user, "complaints.submit", complaint, details=details)
    return complaint, pin


def _check_handler(complaint: Complaint, user) -> None:
    if not may_handle(user, complaint):
        raise PermissionDenied(_("Pengaduan ini bukan tanggungan Anda."))


def _claim(complaint: Complaint, expected, **fields) -> None:
    """Move the complaint on from one of the `expected` statuses, or refuse: someone else
    took the step first, or it is not this step's turn."""
    moved = Complaint.objects.filter(pk=complaint.pk, status__in=expected).update(**fields)
    if not moved:
        raise ValidationError(_("Pengaduan ini tidak pada langkah itu lagi; muat ulang halaman."))
    complaint.refresh_from_db()


def _log_step(complaint: Complaint, step: str, acting_user) -> None:
    """A pendamping's step on a complaint is their work of the day (registry.worklog)."""
    worklog.record_one(acting_user, worklog.COMPLAINT_FOLLOW_UP, on=timezone.localdate(),
                       source=f"complaints.{step}:{complaint.pk}", family=complaint.family,
                       subject=complaint.kode, region_code=complaint.region_code)  # fmt: skip


@transaction.atomic
def triage_complaint(complaint: Complaint, *, acting_user) -> Complaint:
    _check_handler(complaint, acting_user)
    now = timezone.now()
    _claim(complaint, [Status.RECEIVED], status=Status.TRIAGED, triaged_at=now,
           step_started_at=now)  # fmt: skip
    trail.record(acting_user, "complaints.triage", complaint)
    _log_step(complaint, "triage", acting_user)
    return complaint


@transaction.atomic
def respond_to_complaint(complaint: Complaint, *, text: str, acting_user) -> Complaint:
    """The first response to the complainant; the text stays internal (DESIGN §8 lists
    what the public sees)."""
    _check_handler(complaint, acting_user)
    if not (text or "").strip():
        raise ValidationError({"response": _("Isi tanggapan wajib diisi.")})
    now = timezone.now()
    _claim(complaint, [Status.TRIAGED], status=Status.RESPONDED, responded_at=now,
           step_started_at=now, response=text.strip())  # fmt: skip
    trail.record(acting_user, "complaints.respond", complaint)
    _log_step(complaint, "respond", acting_user)
    return complaint


def _resolver(complaint: Complaint, user) -> tuple[str, User | None]:
    """The level and user a reopening returns to: whoever resolved it, at their level;
    for a user outside the levels (admin), the level and handler holding it."""
    level = level_of(user)
    return (level, user) if level else (complaint.tingkat, complaint.handler)


@transaction.atomic
def resolve_complaint(
    complaint: Complaint, *, decision: str, resolution: str, acting_user
) -> Complaint:
    """Close it with a decision and a public resolution text (DESIGN §8). A withdrawn or
    referred complaint may close at any step; the others after the first response."""
    _check_handler(complaint, acting_user)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Pilih keputusan penyelesaian.")})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Tulis penyelesaian yang dapat dibaca pengadu.")})
    expected = OPEN_STATUSES if decision in EARLY_DECISIONS else [Status.RESPONDED, Status.REOPENED]
    before = trail.snapshot(complaint, ["status", "decision", "tingkat"])
    level, resolver = _resolver(complaint, acting_user)
    _claim(complaint, expected, status=Status.RESOLVED, resolved_at=timezone.now(),
           decision=decision, resolution=resolution.strip(), resolved_level=level,
           resolved_by=resolver)  # fmt: skip
    trail.record(acting_user, "complaints.resolve", complaint,
                 changes=trail.diff(before, complaint))  # fmt: skip
    _log_step(complaint, "resolve", acting_user)
    return complaint


@transaction.atomic
def reopen_complaint(kode: str, pin: str, *, reason: str = "") -> Complaint:
    """The complainant reopens a resolved complaint with its code and PIN: once, within
    14 days of the resolution; it returns to the level and user that resolved it."""
    complaint = Complaint.objects.select_for_update().filter(kode=normalize_kode(kode)).first()
    if complaint is None or not complaint.check_pin(pin):
        # One message for both: the answer does not tell which codes exist.
        raise ValidationError(_("Kode pengaduan atau PIN salah."))
    if complaint.status != Status.RESOLVED:
        raise ValidationError(_("Pengaduan ini belum selesai; belum dapat dibuka kembali."))
    if complaint.reopened:
        raise ValidationError(_("Pengaduan hanya dapat dibuka kembali satu kali."))
    back = routing.Route(Level(complaint.resolved_level), complaint.resolved_by)
    if back.handler is None or not back.handler.is_active:  # the resolver has left
        back = routing.back_to(complaint.resolved_level, complaint)
    now = timezone.now()
    if now > complaint.resolved_at + timedelta(days=REOPEN_DAYS):
        raise ValidationError(
            _("Batas membuka kembali sudah lewat: %(days)s hari sejak pengaduan diselesaikan.")
            % {"days": REOPEN_DAYS}
        )
    before = trail.snapshot(complaint, ["status", "tingkat", "handler_id", "decision",
                                        "resolution", "resolved_at"])  # fmt: skip
    _claim(complaint, [Status.RESOLVED], status=Status.REOPENED, reopened=True, reopened_at=now,
           reopen_reason=(reason or "").strip(), step_started_at=now,
           tingkat=back.tingkat, handler=back.handler,
           decision="", resolution="", resolved_at=None)  # fmt: skip
    trail.record(None, "complaints.reopen", complaint, changes=trail.diff(before, complaint))
    return complaint


@transaction.atomic
def reassign_complaint(complaint: Complaint, *, to_user: User, acting_user) -> Complaint:
    """Hand an open complaint to another user of its region; its level becomes theirs and
    the current step's clock runs on (a handover does not buy time)."""
    _check_handler(complaint, acting_user)
    level = level_of(to_user)
    if not to_user.is_active or level is None or not to_user.region_id:
        raise ValidationError({"to_user": _("Pilih pendamping atau koordinator yang aktif.")})
    if to_user.pk == complaint.handler_id:
        raise ValidationError({"to_user": _("Pengaduan ini sudah dipegang pengguna tersebut.")})
    if complaint.is_conduct and (level == Level.PENDAMPING or to_user.pk == complaint.accused_id):
        # A complaint about a pendamping goes to their supervisor (DESIGN §8).
        raise ValidationError(
            {"to_user": _("Pengaduan perilaku pendamping atau pungli ditangani koordinator.")}
        )
    # Within the acting user's region, or up their own chain (korcam → their korkab).
    mine, theirs = acting_user.region_prefix, to_user.region_id
    in_reach = acting_user.is_superuser or theirs.startswith(mine) or mine.startswith(theirs)
    if not (in_reach and covers(to_user, complaint)):
        raise PermissionDenied(_("Pengguna tujuan di luar wilayah pengaduan ini."))
    before = trail.snapshot(complaint, ["tingkat", "handler_id"])
    _claim(complaint, OPEN_STATUSES, tingkat=level, handler=to_user)
    trail.record(acting_user, "complaints.reassign", complaint,
                 changes=trail.diff(before, complaint))  # fmt: skip
    return complaint


@transaction.atomic
def identify_accused(complaint: Complaint, *, accused: User, acting_user) -> Complaint:
    """Record which pendamping an open conduct complaint accuses when the complainant only
    wrote a name (`accused_name`, the public form): the korcam holding it, or a coordinator
    above who may handle it, picks the pendamping among the active ones of their region.

    From then on the accused never sees it (accounts.scoping.complaint_filter) and the
    coordinators of the accused's region see it too (access.covers). The handler stays as
    is: a complaint about a pendamping of another kecamatan than the handler's is not
    re-routed to that pendamping's korcam; the handler may hand it over
    (reassign_complaint)."""
    if not complaint.is_conduct:
        raise ValidationError(
            _("Pendamping diadukan hanya pada pengaduan perilaku pendamping atau pungli.")
        )
    if not complaint.is_open:
        raise ValidationError(_("Pengaduan ini sudah selesai."))
    if complaint.accused_id:
        raise ValidationError(_("Pendamping yang diadukan sudah tercatat."))
    if not may_identify_accused(acting_user, complaint):
        raise PermissionDenied(
            _("Hanya koordinator yang menangani pengaduan ini yang mencatat pendamping yang "
              "diadukan.")
        )  # fmt: skip
    if not accused_candidates(acting_user).filter(pk=accused.pk).exists():
        raise ValidationError(
            {"accused": _("Pilih pendamping aktif di wilayah Anda.")}
        )  # fmt: skip
    return _fill_once(complaint, "accused", accused, "complaints.identify_accused", acting_user)


@transaction.atomic
def link_family(complaint: Complaint, *, family: Family, acting_user) -> Complaint:
    """Name the family an open complaint is about, when it was filed without one (the public
    form names only a desa): its handler links a family of that desa that they see, and the
    family's page lists the complaint from then on. The complaint is not re-routed: its
    handler found the family and keeps it."""
    _check_handler(complaint, acting_user)
    if not complaint.is_open:
        raise ValidationError(_("Pengaduan ini sudah selesai."))
    if complaint.family_id is not None:
        raise ValidationError(_("Pengaduan ini sudah terhubung dengan KPM."))
    if not Family.objects.visible_to(acting_user).filter(pk=family.pk).exists():
        raise PermissionDenied(_("KPM dengan ID keluarga ini tidak ditemukan di wilayah Anda."))
    if family.region_code != complaint.region_code:
        raise ValidationError({"family": _("KPM ini tidak berada di desa yang dipilih.")})
    return _fill_once(complaint, "family", family, "complaints.link_family", acting_user)


def _fill_once(complaint: Complaint, field: str, value, action: str, acting_user) -> Complaint:
    """Set an empty key of an open complaint, claimed with a conditional update (two people
    acting at once cannot both set it), and audit the change."""
    before = trail.snapshot(complaint, [f"{field}_id"])
    moved = Complaint.objects.filter(
        pk=complaint.pk, status__in=OPEN_STATUSES, **{f"{field}__isnull": True}
    ).update(**{field: value})
    if not moved:
        raise ValidationError(_("Pengaduan ini sudah berubah; muat ulang halaman."))
    complaint.refresh_from_db()
    trail.record(acting_user, action, complaint, changes=trail.diff(before, complaint))
    return complaint


@transaction.atomic
def close_duplicates(complaints: QuerySet, *, original: Complaint, acting_user) -> int:
    """Close open complaints that repeat `original`: referred to it, with a public text
    naming its code. All or none: one the user may not handle refuses the whole set."""
    if not Complaint.objects.visible_to(acting_user).filter(pk=original.pk).exists():
        raise PermissionDenied(_("Pengaduan asal tidak ditemukan di wilayah Anda."))
    rows = list(complaints.exclude(pk=original.pk).select_related("accused"))
    if not rows:
        raise ValidationError(_("Pilih pengaduan yang sama dengan pengaduan asal."))
    for row in rows:
        _check_handler(row, acting_user)
    level = level_of(acting_user)
    # As _resolver: the closing user at their level, or (admin) whoever held each one.
    resolver = {"resolved_level": level, "resolved_by": acting_user} if level else {
        "resolved_level": F("tingkat"), "resolved_by": F("handler")}  # fmt: skip
    # The public reads it in Indonesian (the public pages' language), whatever the closer's.
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Pengaduan ini sama dengan pengaduan %(kode)s; penanganannya dilanjutkan di sana.")
    closing = Complaint.objects.filter(pk__in=[row.pk for row in rows])
    closed = closing.filter(status__in=OPEN_STATUSES).update(
        status=Status.RESOLVED, decision=Decision.REFERRED, duplicate_of=original,
        resolution=text % {"kode": original.kode}, resolved_at=timezone.now(), **resolver,
    )  # fmt: skip
    if closed != len(rows):  # rolls the whole set back
        raise ValidationError(_("Ada pengaduan yang sudah selesai; muat ulang halaman."))
    trail.record_queryset(acting_user, "complaints.close_duplicate", closing, label="kode",
                          details={"sama_dengan": original.kode})  # fmt: skip
    return closed


@transaction.atomic
def add_note(complaint: Complaint, *, text: str, acting_user) -> ComplaintNote:
    """An internal note, by anyone who sees the complaint and may write (never public)."""
    if not may_change_family_data(acting_user) or not (
        Complaint.objects.visible_to(acting_user).filter(pk=complaint.pk).exists()
    ):
        raise PermissionDenied(_("Anda tidak dapat mencatat pada pengaduan ini."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Catatan kosong.")})
    note = ComplaintNote.objects.create(complaint=complaint, author=acting_user, text=text.strip())
    trail.record(acting_user, "complaints.note", complaint)
    return note


def record_complainant_nik_view(user, complaint: Complaint) -> None:
    """A page showed `user` the complainant's whole NIK (DESIGN §11: every full view is
    audited)."""
    if complaint.complainant_nik:
        trail.record(user, "complaints.view_nik", complaint, details={"via": "web"})


@transaction.atomic
def dismiss_notices(user, notice_ids) -> int:
    """The user has read these notices of theirs: they leave the home page; how many."""
    if not notice_ids:
        return 0
    notices = ComplaintNotice.objects.filter(pk__in=notice_ids, user=user, seen_at__isnull=True)
    complaints = Complaint.objects.filter(pk__in=notices.values("complaint_id"))
    trail.record_queryset(user, "complaints.notice_seen", complaints, label="kode")
    return notices.update(seen_at=timezone.now())
