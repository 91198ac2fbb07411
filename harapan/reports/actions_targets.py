"""The scorecard's per-cent targets (FigureTarget): who may set them, and setting one.

A korkab sets the targets of their kabupaten (or of a kecamatan in it); admin pusat those of
any region and the national ones (region ''). The row with the longest prefix of a
pendamping's region wins (`scorecard.targets_for`).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.audit import trail

from .models import FigureTarget


def may_set_targets(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN_PUSAT
                or (user.role == Role.KORKAB and user.region_id))  # fmt: skip


def may_set_target_for(user, region_code: str) -> bool:
    """Admin pusat anywhere (and nationally); a korkab within their kabupaten."""
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return True
    return bool(user.role == Role.KORKAB and user.region_id
                and region_code.startswith(user.region_id))  # fmt: skip


@transaction.atomic
def set_target(figure: str, year: int, region_code: str, percent: int, *, acting_user):
    """The target of `figure` in `year` for `region_code`, created or changed; audited."""
    if not may_set_target_for(acting_user, region_code):
        raise PermissionDenied(_("Anda hanya dapat mengubah target wilayah Anda sendiri."))
    found, created = FigureTarget.objects.update_or_create(
        figure=figure, year=year, region_code=region_code, defaults={"percent": percent}
    )
    trail.record(acting_user, "reports.target.save", found, region_code=region_code,
                 details={"angka": figure, "tahun": year, "target": percent,
                          "baru": created})  # fmt: skip
    return found
