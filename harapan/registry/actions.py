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

from . import assignment_history
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


class StaleEdit(Exception):
    """The record was changed after the form was loaded; nothing was written.

    `current` is the record as saved now (by the other user), to show beside
    what this user typed.
    """

    def __init__(self, current: Family | Member):
        super().__init__(
            _("Data ini sudah diubah orang lain sejak formulir Anda dibuka; isian Anda belum "
              "disimpan.")
        )  # fmt: skip
        self.current = current


def _correct(obj, data: dict[str, Any], fields: list[str], version: int | None):
    """Read `obj` afresh, locked, and apply `data` to it; {field: [old, new]}.

    `version` is the one the form was loaded from: when the record has been
    written since and this edit would change it, StaleEdit. No version (a
    caller without a form) writes over whatever is there.
    """
    obj.refresh_from_db(from_queryset=type(obj).objects.select_for_update())
    before = trail.snapshot(obj, fields)
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    changes = trail.diff(before, obj)
    if changes and version is not None and version != obj.version:
        obj.refresh_from_db()  # as saved: what this user typed was not written
        raise StaleEdit(obj)
    if changes:
        obj.version += 1
    return changes


@transaction.atomic
def update_family(
    family: Family, data: dict[str, Any], *, acting_user, version: int | None = None
) -> dict[str, list[Any]]:
    """Write the correctable fields found in `data`; return {field: [old, new]}.

    Nothing is written or recorded when nothing changed. StaleEdit when the
    family changed after `version` (the form's) was read.
    """
    _check_may_change(acting_user, family)
    changes = _correct(family, data, FAMILY_FIELDS, version)
    if changes:
        family.save(update_fields=[*changes, "version", "updated_at"])
        trail.record(acting_user, "registry.family.update", family, changes=changes)
    return changes


@transaction.atomic
def update_member(
    member: Member, data: dict[str, Any], *, acting_user, version: int | None = None
) -> dict[str, list[Any]]:
    """Write the correctable fields found in `data`; return {field: [old, new]}.

    StaleEdit when the member changed after `version` (the form's) was read.
    """
    _check_may_change(acting_user, member.family)
    changes = _correct(member, data, MEMBER_FIELDS, version)
    if changes:
        member.save(update_fields=[*changes, "version"])
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
    assignment_history.record_handover(changed)
    return changed.update(pendamping=pendamping, updated_at=timezone.now())


def record_nik_view(user, family: Family, count: int, *, via: str = "web") -> None:
    """A page or response showed `count` full NIKs of `family` to `user` (DESIGN §11)."""
    if count:
        trail.record(user, "registry.member.view_nik", family, details={"count": count, "via": via})
