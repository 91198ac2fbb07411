"""The exit workflow (DESIGN §7): pendamping proposes → korcam verifies → korkab approves.

Every kind of exit — alamiah, sejahtera mandiri, paksa and the data exits —
goes the same three steps; none can be skipped, and whoever proposed cannot
verify or approve. Any step may reject, with a reason. Each step is claimed
with a conditional update, so two coordinators acting at once cannot both
succeed, and each is audited. An approved exit takes effect on its exit
date (`batch.apply_exits`), at once when that date has already come.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.registry import actions as registry_actions
from harapan.registry import worklog
from harapan.registry.models import ExitReason, Family, FamilyStatus

from . import batch
from .models import Assessment, AssessmentRules, ExitProposal, FollowUpVisit, ProposalStatus

FOLLOW_UP_DAYS = 365  # follow-up visits are logged for 12 months after exit


def _visible(user, family: Family) -> bool:
    return Family.objects.visible_to(user).filter(pk=family.pk).exists()


def _check_role(user, role: str, family: Family) -> None:
    if not (user.is_superuser or user.role == role) or not _visible(user, family):
        raise PermissionDenied(_("Langkah ini bukan wewenang Anda untuk KPM ini."))


def gsm_basis_ok(family: Family, letter_number: str, letter_date: date | None) -> bool:
    """Self-reliant graduation rests on a resignation letter or a passing assessment."""
    if letter_number.strip() and letter_date:
        return True
    latest = Assessment.objects.filter(family=family).order_by("-assessed_on", "-id").first()
    return bool(latest and latest.score >= AssessmentRules.current().threshold)


@transaction.atomic
def propose_exit(
    family: Family, *, kind: str, reason: str, exit_date: date, acting_user,
    letter_number: str = "", letter_date: date | None = None,
) -> ExitProposal:  # fmt: skip
    if acting_user.role != Role.PENDAMPING or family.pendamping_id != acting_user.pk:
        raise PermissionDenied(_("Usulan graduasi diajukan oleh pendamping KPM ini."))
    registry_actions.check_not_exited(family)
    if kind not in ExitReason.values:
        raise ValidationError(_("Pilih jenis graduasi atau alasan keluar."))
    if not reason.strip():
        raise ValidationError(_("Alasan usulan wajib diisi."))
    if kind == ExitReason.SEJAHTERA_MANDIRI and not gsm_basis_ok(
        family, letter_number, letter_date
    ):
        raise ValidationError(_(
            "Graduasi sejahtera mandiri perlu surat pengunduran diri (nomor dan tanggal) "
            "atau penilaian terakhir yang mencapai skor siap graduasi."
        ))  # fmt: skip
    if ExitProposal.objects.open().filter(family=family).exists():
        raise ValidationError(_("KPM ini sudah punya usulan graduasi yang sedang diproses."))
    proposal = ExitProposal.objects.create(
        family=family, region_code=family.region_code, kind=kind, reason=reason.strip(),
        exit_date=exit_date, letter_number=letter_number.strip(), letter_date=letter_date,
        proposed_by=acting_user, proposed_at=timezone.now(),
    )  # fmt: skip
    trail.record(acting_user, "graduation.propose", proposal,
                 details={"jenis": kind, "keluarga": family.registry_id})  # fmt: skip
    worklog.record_one(acting_user, worklog.GRADUATION_ASSESSMENT, on=timezone.localdate(),
                       source=f"graduation.proposal:{proposal.pk}", family=family)  # fmt: skip
    return proposal


def _claim(proposal: ExitProposal, expected: str, **fields) -> None:
    claimed = ExitProposal.objects.filter(pk=proposal.pk, status=expected).update(**fields)
    if not claimed:
        raise ValidationError(_("Usulan ini sudah diproses orang lain; muat ulang halaman."))
    proposal.refresh_from_db()


@transaction.atomic
def verify_exit(proposal: ExitProposal, *, acting_user) -> ExitProposal:
    _check_role(acting_user, Role.KORCAM, proposal.family)
    if proposal.proposed_by_id == acting_user.pk:
        raise PermissionDenied(_("Pengusul tidak dapat memverifikasi usulannya sendiri."))
    _claim(proposal, ProposalStatus.PROPOSED, status=ProposalStatus.VERIFIED,
           verified_by=acting_user, verified_at=timezone.now())  # fmt: skip
    trail.record(acting_user, "graduation.verify", proposal)
    return proposal


@transaction.atomic
def approve_exit(proposal: ExitProposal, *, acting_user) -> ExitProposal:
    """The korkab approves a verified proposal; the family exits on its exit date."""
    _check_role(acting_user, Role.KORKAB, proposal.family)
    if proposal.status == ProposalStatus.PROPOSED:
        raise ValidationError(_("Usulan belum diverifikasi korcam: belum dapat disetujui."))
    if acting_user.pk in (proposal.proposed_by_id, proposal.verified_by_id):
        raise PermissionDenied(_("Pengusul atau pemverifikasi tidak dapat menyetujui usulan ini."))
    _claim(proposal, ProposalStatus.VERIFIED, status=ProposalStatus.APPROVED,
           approved_by=acting_user, approved_at=timezone.now())  # fmt: skip
    trail.record(acting_user, "graduation.approve", proposal,
                 details={"tanggal_keluar": proposal.exit_date})  # fmt: skip
    # The exit takes effect on its date (DESIGN §7): at once when that day has
    # come, through the same job that applies later ones on their day.
    today = timezone.localdate()
    if proposal.exit_date <= today:
        batch.apply_exits(today, proposals=ExitProposal.objects.filter(pk=proposal.pk),
                          acting_user=acting_user)  # fmt: skip
        proposal.family.refresh_from_db()
    return proposal


@transaction.atomic
def reject_exit(proposal: ExitProposal, reason: str, *, acting_user) -> ExitProposal:
    """The level whose turn it is turns the proposal down, with a reason."""
    if not reason.strip():
        raise ValidationError(_("Alasan penolakan wajib diisi."))
    level = Role.KORCAM if proposal.status == ProposalStatus.PROPOSED else Role.KORKAB
    if proposal.status not in (ProposalStatus.PROPOSED, ProposalStatus.VERIFIED):
        raise ValidationError(_("Usulan ini sudah selesai diproses."))
    _check_role(acting_user, level, proposal.family)
    _claim(proposal, proposal.status, status=ProposalStatus.REJECTED, rejected_by=acting_user,
           rejected_at=timezone.now(), rejection_reason=reason.strip())  # fmt: skip
    trail.record(acting_user, "graduation.reject", proposal, details={"alasan": reason.strip()})
    return proposal


@transaction.atomic
def record_follow_up(family: Family, *, visited_on: date, notes: str, acting_user) -> FollowUpVisit:
    """A visit to a graduated family, within the 12 months after its exit."""
    if acting_user.role not in (Role.PENDAMPING, Role.KORCAM) and not acting_user.is_superuser:
        raise PermissionDenied(_("Kunjungan pasca-graduasi dicatat pendamping atau korcam."))
    if not _visible(acting_user, family):
        raise PermissionDenied(_("KPM ini bukan dampingan atau wilayah Anda."))
    if family.status != FamilyStatus.EXITED or family.exit_date is None:
        raise ValidationError(_("Kunjungan pasca-graduasi hanya untuk KPM yang sudah keluar."))
    if not family.exit_date <= visited_on <= family.exit_date + timedelta(days=FOLLOW_UP_DAYS):
        raise ValidationError(_("Kunjungan dicatat dalam 12 bulan setelah tanggal keluar."))
    if visited_on > timezone.localdate():
        raise ValidationError(_("Tanggal kunjungan belum tiba."))
    if not notes.strip():
        raise ValidationError(_("Catatan kunjungan wajib diisi."))
    visit = FollowUpVisit.objects.create(family=family, region_code=family.region_code,
                                         visited_on=visited_on, visited_by=acting_user,
                                         notes=notes.strip())  # fmt: skip
    trail.record(acting_user, "graduation.follow_up", family, details={"tanggal": visited_on})
    return visit
