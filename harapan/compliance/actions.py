"""State changes of verification: records, links, reference data, lifting sanctions.

Each action checks the user may do it, writes, and records it in the audit
trail. Views and the API call these; nothing else writes these tables.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.lib import regioncode
from harapan.registry import eligibility, worklog
from harapan.registry.models import Member

from . import calendar, commitments
from .models import (
    ComplianceRules,
    HealthFacility,
    MemberService,
    Result,
    Sanction,
    School,
    Source,
    Verification,
)

# Who may lift a sanction (DESIGN §5: a coordinator); the korcam first of all.
LIFTING_ROLES = {Role.KORCAM, Role.KORKAB, Role.ADMIN_PUSAT}
# Who keeps the schools and health facilities of their region.
REFERENCE_ROLES = {Role.OPERATOR, Role.ADMIN_PUSAT}

RECORD_FIELDS = ["result", "attendance", "reason", "school_id", "facility_id", "evidence"]


@dataclass
class Entry:
    """One member's verification for a month, as a form or the API gives it."""

    member: Member
    commitment: str
    result: str = ""
    attendance: int | None = None
    reason: str = ""
    school: School | None = None
    facility: HealthFacility | None = None
    evidence: str = ""


def _visible_member(user, member: Member) -> None:
    if not may_change_family_data(user) or not (
        Member.objects.visible_to(user).filter(pk=member.pk).exists()
    ):
        raise PermissionDenied(_("Anda tidak berwenang mencatat verifikasi anggota ini."))


def check_month(month: date) -> None:
    if month > calendar.month_start(timezone.localdate()):
        raise ValidationError(_("Bulan verifikasi belum berjalan."))


def clean_entry(entry: Entry, month: date, threshold: int) -> Entry:
    """The entry with its result settled; ValidationError with the reason otherwise."""
    if entry.commitment not in eligibility.COMPONENTS:
        raise ValidationError(_("Komitmen tidak dikenal."))
    if entry.attendance is not None:
        if not commitments.is_school(entry.commitment):
            raise ValidationError(_("Persentase kehadiran hanya untuk anak sekolah."))
        if not 0 <= entry.attendance <= 100:
            raise ValidationError(_("Persentase kehadiran harus antara 0 dan 100."))
        if not entry.result:
            entry.result = commitments.result_from_attendance(entry.attendance, threshold)
    if entry.result not in Result.values:
        raise ValidationError(_("Pilih hasil verifikasi: patuh, tidak patuh, atau dikecualikan."))
    entry.reason = entry.reason.strip()
    if entry.result == Result.EXCUSED and not entry.reason:
        raise ValidationError(_("Alasan pengecualian wajib diisi (mis. sakit, bencana)."))
    if entry.result != Result.EXCUSED:
        entry.reason = ""
    return entry


@transaction.atomic
def record_month(entries: list[Entry], month: date, *, acting_user) -> int:
    """Write one month's verification for the given members; return how many changed.

    All or nothing: a member the user may not see, a commitment the member
    does not owe that month, or an incomplete entry stops the whole save.
    Saving a member's month again replaces it (and is audited as a change).
    """
    check_month(month)
    threshold = ComplianceRules.for_year(month.year).attendance_threshold
    changed = 0
    desa_codes = set()
    now = timezone.now()
    for entry in entries:
        _visible_member(acting_user, entry.member)
        owed = commitments.commitment_for(entry.member, month)
        if owed != entry.commitment:
            raise ValidationError(
                _("%(name)s tidak memiliki komitmen %(commitment)s pada bulan %(month)s.")
                % {
                    "name": entry.member.name,
                    "commitment": entry.commitment,
                    "month": calendar.month_label(month),
                }  # fmt: skip
            )
        clean_entry(entry, month, threshold)
        values = {
            "result": entry.result,
            "attendance": entry.attendance,
            "reason": entry.reason,
            "school_id": entry.school.pk if entry.school else None,
            "facility_id": entry.facility.pk if entry.facility else None,
            "evidence": entry.evidence.strip(),
        }
        record = Verification.objects.filter(
            member=entry.member, commitment=entry.commitment, month=month
        ).first()
        if record is None:
            record = Verification(member=entry.member, commitment=entry.commitment, month=month)
            before = dict.fromkeys(RECORD_FIELDS)
        else:
            before = trail.snapshot(record, RECORD_FIELDS)
        for name, value in values.items():
            setattr(record, name, value)
        changes = trail.diff(before, record)
        if not changes:
            continue
        record.region_code = entry.member.region_code
        record.source = Source.FORM
        record.recorded_by = acting_user
        record.recorded_at = now
        record.save()
        trail.record(
            acting_user, "compliance.verification.record", record, changes=changes,
            details={"bulan": calendar.month_label(month), "komitmen": entry.commitment},
        )  # fmt: skip
        changed += 1
        desa_codes.add(record.region_code)
    worklog.verification_month(acting_user, month, desa_codes)
    return changed


@transaction.atomic
def lift_sanction(sanction: Sanction, reason: str, *, acting_user) -> Sanction:
    """A coordinator lifts a sanction with a reason; it stops no payment from then on.

    Entitlements already computed for a stage stay as they are (they are a
    frozen snapshot, DESIGN §4): recompute the stage to pay the component.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Alasan pencabutan wajib diisi."))
    allowed = acting_user.is_superuser or acting_user.role in LIFTING_ROLES
    visible = Sanction.objects.visible_to(acting_user).filter(pk=sanction.pk).exists()
    if not (allowed and visible):
        raise PermissionDenied(_("Hanya koordinator wilayah ini yang dapat mencabut sanksi."))
    now = timezone.now()
    # Claimed with a conditional update: two coordinators lifting at once
    # cannot both succeed (the second sees it already lifted).
    claimed = Sanction.objects.filter(pk=sanction.pk, lifted_at=None).update(
        lifted_at=now, lifted_by=acting_user, lift_reason=reason
    )
    if not claimed:
        raise ValidationError(_("Sanksi ini sudah dicabut."))
    sanction.refresh_from_db()
    trail.record(
        acting_user, "compliance.sanction.lift", sanction,
        changes={"lifted_at": [None, now], "lift_reason": ["", reason]},
        details={"komponen": sanction.component, "jenis": sanction.kind},
    )  # fmt: skip
    return sanction


@transaction.atomic
def link_service(member: Member, *, school: School | None, facility: HealthFacility | None,
                 acting_user) -> MemberService:  # fmt: skip
    """Which school the member attends and which facility checks them."""
    _visible_member(acting_user, member)
    service = MemberService.objects.filter(member=member).first() or MemberService(member=member)
    before = trail.snapshot(service, ["school_id", "facility_id"])
    service.school, service.facility = school, facility
    service.region_code = member.region_code
    changes = trail.diff(before, service)
    if changes or service._state.adding:
        service.save()
        trail.record(acting_user, "compliance.service.link", member, changes=changes)
    return service


def check_reference_region(user, region_code: str) -> None:
    """Operators keep the reference data of their own region; admin pusat of all."""
    if not (user.is_superuser or user.role in REFERENCE_ROLES):
        raise PermissionDenied(_("Hanya operator yang dapat mengubah data sekolah dan faskes."))
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return
    if not user.region_id or not regioncode.normalize(region_code).startswith(user.region_id):
        raise PermissionDenied(_("Desa ini di luar wilayah Anda."))


@transaction.atomic
def save_reference(obj: School | HealthFacility, *, acting_user):
    """Create or update a school or health facility (already validated by its form)."""
    check_reference_region(acting_user, obj.region_code)
    adding = obj._state.adding
    before = {} if adding else trail.snapshot(type(obj).objects.get(pk=obj.pk))
    obj.full_clean()
    obj.save()
    trail.record(
        acting_user,
        f"compliance.{obj._meta.model_name}.{'create' if adding else 'update'}",
        obj,
        changes=trail.diff(before, obj) if before else {},
    )
    return obj
