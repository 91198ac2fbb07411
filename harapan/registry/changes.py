"""Data updates (pemutakhiran data) proposed by a pendamping, applied on approval.

A request is validated when it is made, so that a bad one never waits for a
coordinator, and again when it is approved, because the family may have
changed in between. Nothing touches the family or its members before approval.

Who decides is configuration: `HARAPAN_CHANGE_APPROVERS` maps a change kind to
the role that approves it ("korcam", "korkab" or "operator"); a kind not
listed is approved by the korcam. The coordinators form a chain,
korcam < korkab: a kind set to korcam may also be decided by the korkab (one
level up may always step in), a kind set to korkab only by the korkab. The
operator sits outside the chain: a kind set to operator is decided by the
operator only. In every case the approver must have the family in scope and
may not decide their own request.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.lib import nik as nikcode
from harapan.lib import regioncode
from harapan.regions.models import Region

from .models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Family,
    FamilyStatus,
    Member,
    Relation,
    SchoolLevel,
    Sex,
)

DEFAULT_APPROVER = Role.KORCAM
DEFAULT_APPROVERS: dict[str, str] = {kind: DEFAULT_APPROVER for kind in ChangeKind.values}
# Lowest first: a role may decide what is configured for any role before it.
APPROVAL_CHAIN: list[str] = [Role.KORCAM, Role.KORKAB]
APPROVER_ROLES = {Role.KORCAM, Role.KORKAB, Role.OPERATOR}

MEMBER_KINDS = {ChangeKind.DEATH, ChangeKind.PREGNANCY, ChangeKind.SCHOOL}


# Who may do what ------------------------------------------------------------


def approver_role(kind: str) -> str:
    """The role configured to approve `kind` (DESIGN §1: the korcam by default)."""
    approvers = getattr(settings, "HARAPAN_CHANGE_APPROVERS", DEFAULT_APPROVERS)
    role = approvers.get(kind, DEFAULT_APPROVER)
    if role not in APPROVER_ROLES:
        raise ImproperlyConfigured(
            f"HARAPAN_CHANGE_APPROVERS[{kind!r}] = {role!r}: use korcam, korkab or operator"
        )
    return role


def roles_that_decide(kind: str) -> set[str]:
    """The configured role and, for a coordinator, every coordinator above it."""
    role = approver_role(kind)
    if role in APPROVAL_CHAIN:
        return set(APPROVAL_CHAIN[APPROVAL_CHAIN.index(role) :])
    return {role}


def kinds_decided_by(user) -> list[str]:
    """The kinds `user`'s role may decide, for the list of their work."""
    if not user.is_authenticated or not user.role:
        return []
    return [kind for kind in ChangeKind.values if user.role in roles_that_decide(kind)]


def can_request(user, family: Family) -> bool:
    return may_change_family_data(user) and (
        Family.objects.visible_to(user).filter(pk=family.pk).exists()
    )


def can_decide(user, request: ChangeRequest) -> bool:
    """Whether `user` may approve or reject `request` (whatever its status now)."""
    if not (user.is_authenticated and user.is_active and may_change_family_data(user)):
        return False
    if user.pk == request.requested_by_id:
        return False
    if user.role not in roles_that_decide(request.kind):
        return False
    return Family.objects.visible_to(user).filter(pk=request.family_id).exists()


# Payload validation ---------------------------------------------------------


def _parse_date(value: Any, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError(
            {field: _("%(label)s harus berupa tanggal TTTT-BB-HH.") % {"label": label}}
        ) from None


def _not_in_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(label)s tidak boleh di masa depan.") % {"label": label}})


def _clean_birth(family: Family, payload: dict) -> dict:
    errors: dict[str, str] = {}
    try:
        nik = nikcode.clean_nik(str(payload.get("nik") or ""))
    except nikcode.InvalidNik:
        nik = ""
        errors["nik"] = _("NIK harus 16 angka.")
    if nik and Member.objects.filter(family=family, nik=nik).exists():
        errors["nik"] = _("NIK ini sudah terdaftar di keluarga ini.")
    name = " ".join(str(payload.get("name") or "").split())
    if not name:
        errors["name"] = _("Nama wajib diisi.")
    elif len(name) > Member._meta.get_field("name").max_length:
        errors["name"] = _("Nama terlalu panjang.")
    sex = payload.get("sex")
    if sex not in Sex.values:
        errors["sex"] = _("Jenis kelamin harus L atau P.")
    relation = payload.get("relation") or Relation.CHILD
    if relation not in Relation.values or relation == Relation.HEAD:
        # A family has exactly one head (DESIGN §12); a newborn is never it.
        errors["relation"] = _("Hubungan keluarga tidak sah untuk anggota yang baru lahir.")
    born = None
    try:
        born = _parse_date(payload.get("birth_date"), "birth_date", _("Tanggal lahir"))
        _not_in_future(born, "birth_date", _("Tanggal lahir"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return {
        "nik": nik,
        "name": name,
        "sex": sex,
        "birth_date": born.isoformat(),
        "relation": relation,
    }


def _clean_death(member: Member, payload: dict) -> dict:
    died_on = _parse_date(payload.get("died_on"), "died_on", _("Tanggal meninggal"))
    _not_in_future(died_on, "died_on", _("Tanggal meninggal"))
    if died_on < member.birth_date:
        raise ValidationError(
            {"died_on": _("Tanggal meninggal tidak boleh sebelum tanggal lahir.")}
        )
    return {"died_on": died_on.isoformat()}


def _clean_move(family: Family, payload: dict) -> dict:
    try:
        code = regioncode.normalize(str(payload.get("region_code") or ""))
    except regioncode.InvalidRegionCode:
        code = ""
    if len(code) != 10:
        raise ValidationError(
            {"region_code": _("Kode desa harus 10 angka, misalnya 18.06.01.2001.")}
        )
    if not Region.objects.filter(code=code, level=regioncode.DESA).exists():
        raise ValidationError(
            {
                "region_code": _("Desa/kelurahan dengan kode %(code)s tidak dikenal.")
                % {"code": regioncode.dotted(code)}
            }
        )
    address = " ".join(str(payload.get("address") or "").split())
    if len(address) > Family._meta.get_field("address").max_length:
        raise ValidationError({"address": _("Alamat terlalu panjang.")})
    if code == family.region_code and address == family.address:
        raise ValidationError(_("Desa dan alamat sama dengan data sekarang."))
    return {"region_code": code, "address": address}


def _clean_pregnancy(member: Member, payload: dict) -> dict:
    pregnant = payload.get("pregnant")
    if not isinstance(pregnant, bool):
        raise ValidationError({"pregnant": _("Status kehamilan harus ya atau tidak.")})
    if pregnant and member.sex != Sex.FEMALE:
        raise ValidationError({"member": _("Kehamilan hanya dapat dicatat untuk perempuan.")})
    if pregnant == member.pregnant:
        raise ValidationError(_("Status kehamilan sama dengan data sekarang."))
    return {"pregnant": pregnant}


def _clean_school(member: Member, payload: dict) -> dict:
    level = payload.get("school_level")
    if level not in SchoolLevel.values:
        raise ValidationError({"school_level": _("Jenjang pendidikan tidak dikenal.")})
    if level == member.school_level:
        raise ValidationError(_("Jenjang pendidikan sama dengan data sekarang."))
    return {"school_level": level}


def validate_change(family: Family, kind: str, payload: Any, member: Member | None = None) -> dict:
    """The cleaned payload of a change to `family` as it is now, or ValidationError.

    Errors are keyed by payload field (or `member`) where one is at fault.
    """
    if kind not in ChangeKind.values:
        raise ValidationError({"kind": _("Jenis pemutakhiran tidak dikenal.")})
    if not family.is_active:
        raise ValidationError(_("KPM ini tidak aktif; datanya tidak dapat dimutakhirkan."))
    if not isinstance(payload, dict):
        raise ValidationError(_("Isi perubahan tidak sah."))
    if kind in MEMBER_KINDS:
        if member is None:
            raise ValidationError({"member": _("Pilih anggota keluarga.")})
        if member.family_id != family.pk:
            raise ValidationError({"member": _("Anggota ini bukan anggota keluarga ini.")})
        if not member.alive:
            raise ValidationError({"member": _("Anggota ini sudah tercatat meninggal.")})
    elif member is not None:
        raise ValidationError({"member": _("Jenis pemutakhiran ini tidak untuk satu anggota.")})
    if kind == ChangeKind.BIRTH:
        return _clean_birth(family, payload)
    if kind == ChangeKind.MOVE:
        return _clean_move(family, payload)
    if kind == ChangeKind.DEATH:
        return _clean_death(member, payload)
    if kind == ChangeKind.PREGNANCY:
        return _clean_pregnancy(member, payload)
    return _clean_school(member, payload)


def _same_request_pending(family: Family, kind: str, member: Member | None, payload: dict):
    pending = ChangeRequest.objects.pending().filter(family=family, kind=kind)
    if kind == ChangeKind.BIRTH:
        return pending.filter(payload__nik=payload["nik"])
    if member is not None:
        return pending.filter(member=member)
    return pending


# Actions --------------------------------------------------------------------


@transaction.atomic
def request_change(
    family: Family,
    kind: str,
    payload: dict,
    *,
    member: Member | None = None,
    note: str = "",
    acting_user,
) -> ChangeRequest:
    if not can_request(acting_user, family):
        raise PermissionDenied(_("Anda tidak berwenang mengajukan pemutakhiran untuk KPM ini."))
    cleaned = validate_change(family, kind, payload, member)
    # Two pending requests for the same thing would leave the approver to pick one.
    if _same_request_pending(family, kind, member, cleaned).exists():
        raise ValidationError(_("Permohonan yang sama masih menunggu keputusan."))
    request = ChangeRequest.objects.create(
        family=family,
        member=member,
        region_code=family.region_code,
        kind=kind,
        payload=cleaned,
        note=note.strip(),
        requested_by=acting_user,
    )
    trail.record(
        acting_user,
        "registry.change.request",
        request,
        details={"kind": kind, "family": family.registry_id, "payload": cleaned},
    )
    return request


def _claim(request: ChangeRequest, acting_user, **fields) -> dict:
    """Decide `request` if nobody has yet: a conditional update, so exactly once.

    Returns the fields written, for the caller to copy onto `request` once the
    whole decision has gone through.
    """
    fields.update(decided_by=acting_user, decided_at=timezone.now())
    claimed = ChangeRequest.objects.filter(pk=request.pk, status=ChangeStatus.PENDING).update(
        **fields
    )
    if claimed != 1:
        raise ValidationError(_("Permohonan ini sudah diputuskan."))
    return fields


def _copy_onto(request: ChangeRequest, fields: dict) -> None:
    for name, value in fields.items():
        setattr(request, name, value)


def _apply(request: ChangeRequest, family: Family, member: Member | None, payload: dict):
    """Write the change; return the object changed and its per-field changes."""
    if request.kind == ChangeKind.BIRTH:
        born = Member.objects.create(
            family=family,
            region_code=family.region_code,
            nik=payload["nik"],
            name=payload["name"],
            sex=payload["sex"],
            birth_date=date.fromisoformat(payload["birth_date"]),
            relation=payload["relation"],
        )
        fields = ["nik", "name", "sex", "birth_date", "relation", "region_code"]
        return born, {name: [None, value] for name, value in trail.snapshot(born, fields).items()}
    if request.kind == ChangeKind.MOVE:
        before = trail.snapshot(family, ["region_code", "address"])
        family.region_code, family.address = payload["region_code"], payload["address"]
        family.save(update_fields=["region_code", "address", "updated_at"])
        # Members carry the family's desa code for scoping (DESIGN §3): one update.
        Member.objects.filter(family=family).update(region_code=family.region_code)
        return family, trail.diff(before, family)
    before = trail.snapshot(member, ["alive", "died_on", "pregnant", "school_level"])
    if request.kind == ChangeKind.DEATH:
        member.alive, member.died_on = False, date.fromisoformat(payload["died_on"])
    elif request.kind == ChangeKind.PREGNANCY:
        member.pregnant = payload["pregnant"]
    else:
        member.school_level = payload["school_level"]
    changes = trail.diff(before, member)
    member.save(update_fields=list(changes))
    return member, changes


@transaction.atomic
def approve_change(request: ChangeRequest, *, acting_user) -> ChangeRequest:
    if not can_decide(acting_user, request):
        raise PermissionDenied(_("Anda tidak berwenang memutuskan permohonan ini."))
    # Claim first: the row lock it takes makes a second approver wait, then miss.
    decided = _claim(request, acting_user, status=ChangeStatus.APPROVED)
    family = Family.objects.select_for_update().get(pk=request.family_id)
    member = Member.objects.get(pk=request.member_id) if request.member_id else None
    # The data may have changed since the request: check again; an error undoes the claim.
    payload = validate_change(family, request.kind, request.payload, member)
    target, changes = _apply(request, family, member, payload)
    trail.record(
        acting_user,
        "registry.change.approve",
        target,
        changes=changes,
        details={"change_request": request.pk, "kind": request.kind},
        # Where the request was made, so a move stays in the old region's trail.
        region_code=request.region_code,
    )
    _copy_onto(request, decided)
    return request


@transaction.atomic
def reject_change(request: ChangeRequest, *, reason: str, acting_user) -> ChangeRequest:
    if not can_decide(acting_user, request):
        raise PermissionDenied(_("Anda tidak berwenang memutuskan permohonan ini."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan penolakan.")})
    decided = _claim(request, acting_user, status=ChangeStatus.REJECTED, rejection_reason=reason)
    trail.record(
        acting_user,
        "registry.change.reject",
        request,
        changes={"status": [ChangeStatus.PENDING, ChangeStatus.REJECTED]},
        details={"kind": request.kind, "reason": reason},
    )
    _copy_onto(request, decided)
    return request


EXITED_REASON = "KPM keluar dari PKH."


@transaction.atomic
def close_pending_of_exited(families, *, acting_user=None) -> int:
    """Turn down the pending data updates of those of `families` that have left PKH.

    An exited family's data can no longer change, so its requests would wait
    in the approvers' lists for ever; they leave them with the family (DESIGN §7).
    Set-based, for the exits job: one audit row each; how many is returned.
    """
    exited = families.filter(status=FamilyStatus.EXITED).values("pk")
    pending = ChangeRequest.objects.pending().filter(family__in=exited)
    count = trail.record_queryset(
        acting_user, "registry.change.reject", pending, label="family__registry_id",
        details={"reason": EXITED_REASON},
    )  # fmt: skip
    if count:
        pending.update(status=ChangeStatus.REJECTED, rejection_reason=EXITED_REASON,
                       decided_by=acting_user, decided_at=timezone.now())  # fmt: skip
    return count
