"""Which region a dashboard shows: `?wilayah=` inside the user's own region (DESIGN §1).

The pages read only summary rows, which carry a desa code: a coordinator, operator or a
regional auditor may drill anywhere under their region and nowhere else (404, as an object
out of scope); admin pusat and a national auditor anywhere. A pendamping follows their own
caseload on the scorecard, not here (403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from harapan.accounts.roles import Role
from harapan.lib import regioncode
from harapan.regions.models import Region

REGIONAL_ROLES = (Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.OPERATOR)
NATIONAL_ROLES = (Role.ADMIN_PUSAT, Role.AUDITOR)


def sees_dashboards(user) -> bool:
    """Korcam and above, the operator and the auditor (a pendamping has the scorecard)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in NATIONAL_ROLES:
        return True
    return user.role in REGIONAL_ROLES and bool(user.region_id)


def root_of(user) -> str:
    """The region a user may drill in ("" for the whole country); 403 when none."""
    if not sees_dashboards(user):
        raise PermissionDenied
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return ""
    return user.region_id or ""


def scope_code(user, text: str, *, deepest: int = regioncode.DESA) -> str:
    """The undotted code of `?wilayah=` (the user's own region when empty), 404 when it is
    not a known region inside theirs or deeper than `deepest`."""
    root = root_of(user)
    if not (text or "").strip():
        return root
    try:
        code = regioncode.normalize(text)
    except regioncode.InvalidRegionCode:
        raise Http404 from None
    if not code.startswith(root) or regioncode.level(code) > deepest:
        raise Http404
    if not Region.objects.filter(code=code).exists():
        raise Http404
    return code


def trail(root: str, code: str) -> list[tuple[str, str]]:
    """(code, name) of the regions from the user's root down to `code`, for the breadcrumb."""
    codes = [c for c in regioncode.ancestors(code) if len(c) >= len(root)] if code else []
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [(c, names.get(c, "")) for c in codes]
