"""Direct corrections of family and member data, and the audit of full-NIK views.

Direct correction is only for what earns nothing: the spelling of a name, an
address. Everything that can change what a family is paid (birth date, sex,
relation, severe disability, pregnancy, school level, death, desa, bank, No
KKS, desil...) is a data update and needs approval (`changes.py`).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, may_assign_pendamping, may_change_family_data
from harapan.audit import trail

from .models import Family, FamilyStatus, Member

# What a direct correction may write; anything else in `data` is ignored.
FAMILY_FIELDS = ["address"]
MEMBER_FIELDS = ["name"]


def _check_may_change(user, family: Family) -> None:
    if not may_change_family_data(user) or not (
        Family.objects.visible_to(user).filter(pk=family.pk).exists()
    ):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data KPM ini."))
    check_not_exited(family)


def check_not_exited(family: Family) -> None:
    """A family that has left PKH keeps its record, read only (DESIGN §7)."""
    if family.status == FamilyStatus.EXITED:
        raise PermissionDenied(_("KPM ini sudah keluar dari PKH: datanya hanya dapat dibaca."))


def _apply(obj, data: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    before = trail.snapshot(obj, fields)
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    return trail.diff(before, obj)


@transaction.atomic
def update_family(family: Family, data: dict[str, Any], *, acting_user) -> dict[str, list[Any]]:
    """Write the correctable fields found in `data`; return {field: [old, new]}.

    Nothing is written or recorded when nothing changed.
    """
    _check_may_change(acting_user, family)
    changes = _apply(family, data, FAMILY_FIELDS)
    if changes:
        family.save(update_fields=[*changes, "updated_at"])
        trail.record(acting_user, "registry.family.update", family, changes=changes)
    return changes


@transaction.atomic
def update_member(member: Member, data: dict[str, Any], *, acting_user) -> dict[str, list[Any]]:
    """Write the correctable fields found in `data`; return {field: [old, new]}."""
    _check_may_change(acting_user, member.family)
    changes = _apply(member, data, MEMBER_FIELDS)
    if changes:
        member.save(update_fields=list(changes))
        trail.record(
            acting_user,
            "registry.member.update",
            member,
            changes=changes,
            details={"family": member.family.registry_id},
        )
    return changes


@transaction.atomic
def assign_pendamping(families: QuerySet, pendamping, *, acting_user) -> int:
    """Give `families` (active ones in the coordinator's scope) to `pendamping`.

    Set-based: one UPDATE whatever the number of families, and one audit row
    per family that changed hands, written per previous pendamping so that each
    row says whom the family came from. Families already with `pendamping`
    are left alone. Returns the number of families that changed.
    """
    if not may_assign_pendamping(acting_user):
        raise PermissionDenied(_("Anda tidak berwenang menugaskan pendamping."))
    if pendamping.role != Role.PENDAMPING or not pendamping.is_active or not pendamping.region_id:
        raise ValidationError(_("%(user)s bukan pendamping aktif.") % {"user": pendamping})
    targets = (
        Family.objects.visible_to(acting_user)
        .active()
        .filter(pk__in=families.values("pk"))
        .exclude(pendamping=pendamping)
    )
    outside = targets.exclude(region_code__startswith=pendamping.region_id)
    if outside.exists():
        raise ValidationError(
            _("%(user)s bertugas di kecamatan %(kecamatan)s; keluarga %(family)s ada di luar "
              "kecamatan itu. Pilih pendamping kecamatan keluarga tersebut.")
            % {"user": pendamping, "kecamatan": pendamping.region_id,
               "family": outside.order_by("registry_id").first().registry_id}
        )  # fmt: skip
    ids = list(targets.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = Family.objects.filter(pk__in=ids)
    details = {"pendamping": pendamping.get_username(), "keluarga": len(ids)}
    previous = changed.order_by().values_list("pendamping_id", flat=True).distinct()
    for old in list(previous):
        rows = changed.filter(pendamping_id=old).values(
            object_id=F("pk"), object_repr=F("registry_id"), code=F("region_code")
        )
        sql, params = rows.query.sql_with_params()
        trail.record_set(
            acting_user,
            "registry.family.assign",
            "registry.family",
            f"SELECT r.object_id, r.object_repr, r.code AS region_code FROM ({sql}) r",
            params,
            details=details,
            changes={"pendamping_id": [old, pendamping.pk]},
        )
    return changed.update(pendamping=pendamping, updated_at=timezone.now())


def record_nik_view(user, family: Family, count: int, *, via: str = "web") -> None:
    """A page or response showed `count` full NIKs of `family` to `user` (DESIGN §11)."""
    if count:
        trail.record(user, "registry.member.view_nik", family, details={"count": count, "via": via})
