"""State changes of code-of-ethics cases (DESIGN §9), each audited.

The korkab and above report, investigate and decide, for a pendamping of their region;
the decision is told to the pendamping concerned on their home page until they open it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, acts_on_ethics_cases
from harapan.audit import trail
from harapan.complaints.models import CONDUCT_CATEGORIES, Category, Complaint

from .models import EthicsCase, EthicsDecision, EthicsKind, EthicsStatus

# The kind a case opened from a conduct complaint starts with; the korkab may say another.
KIND_OF_CATEGORY = {Category.PUNGLI: EthicsKind.PUNGLI}


def _check_actor(acting_user, region_code: str) -> None:
    if not acts_on_ethics_cases(acting_user):
        raise PermissionDenied(_("Peran Anda tidak menangani kasus kode etik."))
    if not region_code.startswith(acting_user.region_prefix):
        raise PermissionDenied(_("Pendamping ini di luar wilayah Anda."))


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def report_case(
    pendamping, *, kind: str, description: str, acting_user, complaint: Complaint | None = None
) -> EthicsCase:
    """A new case about `pendamping`, reported by `acting_user` (korkab and above)."""
    if pendamping is None or pendamping.role != Role.PENDAMPING or not pendamping.region_id:
        raise ValidationError({"pendamping": _("Pilih pendamping PKH yang terdaftar.")})
    _check_actor(acting_user, pendamping.region_id)
    if kind not in EthicsKind.values:
        raise ValidationError({"kind": _("Pilih jenis pelanggaran.")})
    description = _text(description, "description", _("Uraian kasus wajib diisi."))
    case = EthicsCase.objects.create(
        pendamping=pendamping, region_code=pendamping.region_id, kind=kind,
        description=description, complaint=complaint, reported_at=timezone.now(),
        reported_by=acting_user,
    )  # fmt: skip
    details = {"kind": kind, "complaint": complaint.kode if complaint else ""}
    trail.record(acting_user, "fieldwork.ethics.report", case, details=details)
    return case


def open_case_from_complaint(
    complaint: Complaint, *, acting_user, kind: str = "", description: str = ""
) -> EthicsCase:
    """A case about the pendamping a conduct complaint accuses (perilaku pendamping, pungli),
    opened by a korkab or above who sees the complaint; once per complaint."""
    if not Complaint.objects.visible_to(acting_user).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("Pengaduan ini tidak ada di wilayah Anda."))
    if complaint.kategori not in CONDUCT_CATEGORIES:
        raise ValidationError(
            {"complaint": _("Hanya pengaduan perilaku pendamping atau pungli yang membuka kasus.")}
        )
    if complaint.accused_id is None:
        raise ValidationError({"complaint": _("Pendamping yang diadukan belum dikenali.")})
    if EthicsCase.objects.filter(complaint=complaint).exists():
        raise ValidationError({"complaint": _("Pengaduan ini sudah membuka kasus kode etik.")})
    kind = kind or KIND_OF_CATEGORY.get(complaint.kategori, EthicsKind.OTHER)
    description = (description or "").strip() or complaint.uraian
    return report_case(complaint.accused, kind=kind, description=description,
                       acting_user=acting_user, complaint=complaint)  # fmt: skip


@transaction.atomic
def start_investigation(case: EthicsCase, *, note: str, acting_user) -> EthicsCase:
    """The case is investigated: what the investigation found."""
    _check_actor(acting_user, case.region_code)
    note = _text(note, "note", _("Tulis hasil pemeriksaan."))
    now = timezone.now()
    claimed = EthicsCase.objects.filter(pk=case.pk, status=EthicsStatus.REPORTED).update(
        status=EthicsStatus.INVESTIGATED, investigation_note=note, investigated_at=now,
        investigated_by=acting_user,
    )  # fmt: skip
    if not claimed:
        raise ValidationError(_("Kasus ini sudah diperiksa."))
    case.refresh_from_db()
    trail.record(acting_user, "fieldwork.ethics.investigate", case)
    return case


@transaction.atomic
def decide_case(case: EthicsCase, *, decision: str, text: str, acting_user) -> EthicsCase:
    """The decision, after the investigation; the pendamping is told on their home page."""
    _check_actor(acting_user, case.region_code)
    if decision not in EthicsDecision.values:
        raise ValidationError({"decision": _("Pilih keputusan.")})
    text = _text(text, "text", _("Tulis isi keputusan."))
    claimed = EthicsCase.objects.filter(pk=case.pk, status=EthicsStatus.INVESTIGATED).update(
        status=EthicsStatus.DECIDED, decision=decision, decision_text=text,
        decided_at=timezone.now(), decided_by=acting_user,
    )  # fmt: skip
    if not claimed:
        case.refresh_from_db()
        if case.status == EthicsStatus.DECIDED:
            raise ValidationError(_("Kasus ini sudah diputus."))
        raise ValidationError(_("Kasus diputus setelah diperiksa."))
    case.refresh_from_db()
    trail.record(acting_user, "fieldwork.ethics.decide", case, details={"decision": decision})
    return case


def mark_decision_seen(case: EthicsCase, user) -> bool:
    """The pendamping concerned opened the decision: it leaves their home page (once)."""
    seen = EthicsCase.objects.filter(
        pk=case.pk, pendamping=user, status=EthicsStatus.DECIDED, decision_seen_at__isnull=True
    ).update(decision_seen_at=timezone.now())
    if seen:
        trail.record(user, "fieldwork.ethics.decision_seen", case)
    return bool(seen)
