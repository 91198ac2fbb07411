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

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.lib import nik as nikcode
from harapan.lib import regioncode
from harapan.regions.lookup import NotADesa, desa_code

from . import assignment_history, checks, moving, worklog
from .models import (
    Bank,
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

# The columns each kind writes, on the member or (FAMILY_FIELDS) on the family.
MEMBER_FIELDS: dict[str, list[str]] = {
    ChangeKind.DEATH: ["alive", "died_on"],
    ChangeKind.PREGNANCY: ["pregnant"],
    ChangeKind.SCHOOL: ["school_level"],
    ChangeKind.BIRTH_DATE: ["birth_date"],
    ChangeKind.SEX: ["sex"],
    ChangeKind.RELATION: ["relation"],
    ChangeKind.DISABILITY: ["severe_disability"],
}
FAMILY_FIELDS: dict[str, list[str]] = {
    ChangeKind.PAYMENT: ["bank", "kks_number"],
    ChangeKind.DESIL: ["desil"],
}
MEMBER_KINDS = set(MEMBER_FIELDS)
DATE_FIELDS = {"birth_date", "died_on"}
_DIGITS = re.compile(r"[0-9]*")  # not \d, which also matches other scripts' digits


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


def waiting_for(user, requests: QuerySet) -> QuerySet:
    """The pending `requests` (already scoped) that wait for `user`'s decision, as
    `can_decide` rules: a kind their role decides, requested by someone else."""
    if not may_change_family_data(user):
        return requests.none()
    return requests.filter(status=ChangeStatus.PENDING, kind__in=kinds_decided_by(user)).exclude(
        requested_by=user
    )


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


def _unchanged(label: str) -> ValidationError:
    return ValidationError(_("%(label)s sama dengan data sekarang.") % {"label": label})


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
        code = desa_code(payload.get("region_code"))
    except NotADesa as problem:
        if problem.malformed:
            message = _("Kode desa harus 10 angka, misalnya 18.06.01.2001.")
        else:
            message = _("Desa/kelurahan dengan kode %(code)s tidak dikenal.") % {
                "code": regioncode.dotted(problem.code)
            }
        raise ValidationError({"region_code": message}) from problem
    address = " ".join(str(payload.get("address") or "").split())
    if len(address) > Family._meta.get_field("address").max_length:
        raise ValidationError({"address": _("Alamat terlalu panjang.")})
    if code == family.region_code and address == family.address:
        raise _unchanged(_("Desa dan alamat"))
    return {"region_code": code, "address": address}


def _clean_pregnancy(member: Member, payload: dict) -> dict:
    pregnant = payload.get("pregnant")
    if not isinstance(pregnant, bool):
        raise ValidationError({"pregnant": _("Status kehamilan harus ya atau tidak.")})
    if pregnant and member.sex != Sex.FEMALE:
        raise ValidationError({"member": _("Kehamilan hanya dapat dicatat untuk perempuan.")})
    if pregnant == member.pregnant:
        raise _unchanged(_("Status kehamilan"))
    return {"pregnant": pregnant}


def _clean_school(member: Member, payload: dict) -> dict:
    level = payload.get("school_level")
    if level not in SchoolLevel.values:
        raise ValidationError({"school_level": _("Jenjang pendidikan tidak dikenal.")})
    if level == member.school_level:
        raise _unchanged(_("Jenjang pendidikan"))
    return {"school_level": level}


def _clean_birth_date(member: Member, payload: dict) -> dict:
    born = _parse_date(payload.get("birth_date"), "birth_date", _("Tanggal lahir"))
    _not_in_future(born, "birth_date", _("Tanggal lahir"))
    if member.died_on and born > member.died_on:
        raise ValidationError(
            {"birth_date": _("Tanggal lahir tidak boleh sesudah tanggal meninggal.")}
        )
    if born == member.birth_date:
        raise _unchanged(_("Tanggal lahir"))
    return {"birth_date": born.isoformat()}


def _clean_sex(member: Member, payload: dict) -> dict:
    sex = payload.get("sex")
    if sex not in Sex.values:
        raise ValidationError({"sex": _("Jenis kelamin harus L atau P.")})
    if sex == Sex.MALE and member.pregnant:
        raise ValidationError(
            {"sex": _("Anggota ini tercatat hamil/nifas; ajukan dulu perubahan kehamilan.")}
        )
    if sex == member.sex:
        raise _unchanged(_("Jenis kelamin"))
    return {"sex": sex}


def _clean_relation(member: Member, payload: dict) -> dict:
    relation = payload.get("relation")
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Hubungan keluarga tidak dikenal.")})
    if relation == Relation.HEAD:
        # A family has exactly one head (DESIGN §12); demoting the other first allows a swap.
        other = (
            Member.objects.filter(family_id=member.family_id, relation=Relation.HEAD, alive=True)
            .exclude(pk=member.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "relation": _("Keluarga ini sudah memiliki kepala keluarga: %(name)s.")
                    % {"name": other.name}
                }
            )
    if relation == member.relation:
        raise _unchanged(_("Hubungan keluarga"))
    return {"relation": relation}


def _clean_disability(member: Member, payload: dict) -> dict:
    disabled = payload.get("severe_disability")
    if not isinstance(disabled, bool):
        raise ValidationError({"severe_disability": _("Disabilitas berat harus ya atau tidak.")})
    if disabled == member.severe_disability:
        raise _unchanged(_("Status disabilitas berat"))
    return {"severe_disability": disabled}


def _clean_payment(family: Family, payload: dict) -> dict:
    bank = payload.get("bank") or ""
    if bank and bank not in Bank.values:
        raise ValidationError({"bank": _("Bank penyalur tidak dikenal.")})
    kks_number = str(payload.get("kks_number") or "")
    if not _DIGITS.fullmatch(kks_number):
        raise ValidationError({"kks_number": _("No KKS hanya boleh berisi angka.")})
    if len(kks_number) > Family._meta.get_field("kks_number").max_length:
        raise ValidationError({"kks_number": _("No KKS terlalu panjang.")})
    if (bank, kks_number) == (family.bank, family.kks_number):
        raise _unchanged(_("Bank penyalur dan No KKS"))
    return {"bank": bank, "kks_number": kks_number}


def _clean_desil(family: Family, payload: dict) -> dict:
    desil = payload.get("desil")
    if desil is not None and (
        isinstance(desil, bool) or not isinstance(desil, int) or not 1 <= desil <= 10
    ):
        raise ValidationError({"desil": _("Desil harus antara 1 dan 10.")})
    if desil == family.desil:
        raise _unchanged(_("Desil"))
    return {"desil": desil}


MEMBER_CLEANERS = {
    ChangeKind.DEATH: _clean_death,
    ChangeKind.PREGNANCY: _clean_pregnancy,
    ChangeKind.SCHOOL: _clean_school,
    ChangeKind.BIRTH_DATE: _clean_birth_date,
    ChangeKind.SEX: _clean_sex,
    ChangeKind.RELATION: _clean_relation,
    ChangeKind.DISABILITY: _clean_disability,
}
FAMILY_CLEANERS = {
    ChangeKind.BIRTH: _clean_birth,
    ChangeKind.MOVE: _clean_move,
    ChangeKind.PAYMENT: _clean_payment,
    ChangeKind.DESIL: _clean_desil,
}


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
    if kind in MEMBER_KINDS:
        return MEMBER_CLEANERS[kind](member, payload)
    return FAMILY_CLEANERS[kind](family, payload)


def nik_warnings(request: ChangeRequest) -> list[str]:
    """Where the NIK contradicts the birth date, sex or region a request proposes.

    The rules of `check_data` (NIK_TGL_LAHIR, NIK_JENIS_KELAMIN, NIK_WILAYAH),
    run on the proposed values: a warning for the proposer and the approver,
    not a refusal, as the import reports rather than rejects such data.
    """
    payload, member = request.payload, request.member
    if request.kind == ChangeKind.BIRTH:
        nik, birth_date, sex = payload["nik"], payload["birth_date"], payload["sex"]
    elif request.kind in (ChangeKind.BIRTH_DATE, ChangeKind.SEX):
        nik = member.nik
        birth_date = payload.get("birth_date") or member.birth_date.isoformat()
        sex = payload.get("sex") or member.sex
    else:
        return []
    findings = checks.proposed_nik_findings(
        request.family, nik, date.fromisoformat(birth_date), sex
    )
    return [finding.message for finding in findings]


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
    worklog.record_one(acting_user, worklog.DATA_UPDATE, on=timezone.localdate(),
                       source=f"registry.change:{request.pk}", family=family)  # fmt: skip
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


def pendamping_choices(region_code: str):
    """The pendamping an approver may give a family moving to desa `region_code`."""
    kecamatan = regioncode.parent(region_code)
    return User.objects.pendamping_of(kecamatan).filter(is_active=True).order_by("username")


def _pendamping_after_move(family: Family, region_code: str, chosen):
    """Who accompanies the family in its new desa: the approver's choice, or nobody.

    The old pendamping works in the old kecamatan: they stay only when the
    family moves within it and no one else was chosen.
    """
    if chosen is not None:
        if not pendamping_choices(region_code).filter(pk=chosen.pk).exists():
            raise ValidationError(
                {"pendamping": _("Pilih pendamping yang bertugas di kecamatan tujuan.")}
            )
        return chosen
    if regioncode.parent(region_code) == regioncode.parent(family.region_code):
        return family.pendamping
    return None


def _move(family: Family, payload: dict, chosen) -> tuple[Family, dict]:
    region_code = payload["region_code"]
    pendamping = _pendamping_after_move(family, region_code, chosen)
    before = trail.snapshot(family, ["region_code", "address", "pendamping_id"])
    if pendamping != family.pendamping:
        assignment_history.record_handover(Family.objects.filter(pk=family.pk))
    family.region_code, family.address = region_code, payload["address"]
    family.pendamping = pendamping
    family.version += 1  # a correction form loaded before the move is stale now
    family.save(update_fields=["region_code", "address", "pendamping", "version", "updated_at"])
    return family, trail.diff(before, family)


def _apply(
    request: ChangeRequest, family: Family, member: Member | None, payload: dict, pendamping
):
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
        return _move(family, payload, pendamping)
    target, fields = (
        (member, MEMBER_FIELDS[request.kind])
        if request.kind in MEMBER_KINDS
        else (family, FAMILY_FIELDS[request.kind])
    )
    values = {"alive": False, **payload} if request.kind == ChangeKind.DEATH else payload
    before = trail.snapshot(target, fields)
    for name in fields:
        value = values[name]
        setattr(target, name, date.fromisoformat(value) if name in DATE_FIELDS else value)
    changes = trail.diff(before, target)
    target.version += 1  # a correction form loaded before the update is stale now
    written = [*changes, "version"]
    target.save(update_fields=[*written, "updated_at"] if target is family else written)
    return target, changes


@transaction.atomic
def approve_change(request: ChangeRequest, *, acting_user, pendamping=None) -> ChangeRequest:
    """Apply `request`. For a move, `pendamping` is who takes the family on there."""
    if not can_decide(acting_user, request):
        raise PermissionDenied(_("Anda tidak berwenang memutuskan permohonan ini."))
    if pendamping is not None and request.kind != ChangeKind.MOVE:
        raise ValidationError({"pendamping": _("Pendamping hanya dipilih untuk pindah domisili.")})
    # Claim first: the row lock it takes makes a second approver wait, then miss.
    decided = _claim(request, acting_user, status=ChangeStatus.APPROVED)
    family = Family.objects.select_for_update().get(pk=request.family_id)
    member = (
        Member.objects.select_for_update().get(pk=request.member_id) if request.member_id else None
    )
    # The data may have changed since the request: check again; an error undoes the claim.
    payload = validate_change(family, request.kind, request.payload, member)
    old_region = family.region_code
    target, changes = _apply(request, family, member, payload, pendamping)
    trail.record(
        acting_user,
        "registry.change.approve",
        target,
        changes=changes,
        details={"change_request": request.pk, "kind": request.kind},
        # Where the request was made, so a move stays in the old region's trail.
        region_code=request.region_code,
    )
    if request.kind == ChangeKind.MOVE:
        # Every row carrying the family's desa code follows it, in this transaction;
        # the new region's trail shows the family arriving, and what came with it.
        moved = moving.move_family_rows(family, family.region_code)
        trail.record(
            acting_user,
            "registry.family.move",
            family,
            changes=changes,
            details={"change_request": request.pk, "from": old_region, "rows": moved},
        )
        moving.family_moved.send(
            sender=Family,
            family=family,
            old_region_code=old_region,
            on=timezone.localdate(),
            acting_user=acting_user,
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
