"""Who may do what with one complaint (DESIGN §8). Which complaints a user sees at all is
`accounts.scoping.complaint_filter` (`Complaint.objects.visible_to`)."""

from harapan.accounts.models import User
from harapan.accounts.roles import READ_ONLY_ROLES, Role
from harapan.lib import regioncode

from .models import CONDUCT_CATEGORIES, LEVEL_ROLES, Complaint, Level, level_of, rank


def _staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def covers(user, complaint: Complaint) -> bool:
    """Whether the complaint lies in `user`'s region: its desa, or the region of the
    pendamping it accuses (whose korcam handles it wherever the desa is)."""
    prefix = user.region_prefix
    if complaint.region_code.startswith(prefix):
        return True
    return bool(complaint.accused_id and (complaint.accused.region_id or "").startswith(prefix))


def _above(user, complaint: Complaint) -> bool:
    """A coordinator at a level above the one holding the complaint, in whose region it is."""
    level = level_of(user)
    return bool(
        level
        and rank(level) > rank(complaint.tingkat)
        and user.region_id
        and covers(user, complaint)
    )


def sees_complainant(user, complaint: Complaint) -> bool:
    """The complainant's name, phone and NIK: for the handler and the levels above
    (DESIGN §8), admin pusat included; never for the accused, an operator or an auditor."""
    if not _staff(user) or complaint.accused_id == user.pk:
        return False
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return True
    return complaint.handler_id == user.pk or _above(user, complaint)


def may_handle(user, complaint: Complaint) -> bool:
    """Whether `user` may take the complaint's next step: its handler, or a coordinator
    above its level in their region who steps in (not a read-only role: korwil acts on
    what reaches korwil, as its handler)."""
    if not _staff(user) or complaint.accused_id == user.pk:
        return False
    if user.is_superuser or complaint.handler_id == user.pk:
        return True
    return user.role not in READ_ONLY_ROLES and _above(user, complaint)


def reassign_targets(user, complaint: Complaint):
    """The users `user` may hand the complaint to (the rules of actions.reassign_complaint,
    which checks them again): active pendamping and coordinators covering the complaint,
    within `user`'s region or up their chain; coordinators only for a conduct complaint;
    neither its handler nor the accused."""
    covering = set(regioncode.ancestors(complaint.region_code))
    if complaint.accused_id and complaint.accused.region_id:
        covering |= set(regioncode.ancestors(complaint.accused.region_id))
    conduct = complaint.kategori in CONDUCT_CATEGORIES
    roles = [role for level, role in LEVEL_ROLES.items()
             if not (conduct and level == Level.PENDAMPING)]  # fmt: skip
    users = User.objects.filter(role__in=roles, is_active=True, region_id__in=covering).exclude(
        pk__in=[pk for pk in (complaint.handler_id, complaint.accused_id) if pk]
    )
    if not user.is_superuser:
        mine = user.region_prefix
        reach = [code for code in covering if code.startswith(mine) or mine.startswith(code)]
        users = users.filter(region_id__in=reach)
    return users.order_by("role", "region_id", "username")


def may_identify_accused(user, complaint: Complaint) -> bool:
    """Whether `user` may record which pendamping an open conduct complaint names only in
    words (actions.identify_accused): one who may handle it, at korcam level or above."""
    level = level_of(user)
    coordinator = bool(level and level != Level.PENDAMPING)
    return bool(
        complaint.is_conduct
        and complaint.is_open
        and complaint.accused_id is None
        and (coordinator or (_staff(user) and user.is_superuser))
        and may_handle(user, complaint)
    )


def accused_candidates(user):
    """The pendamping `user` may name as the accused: the active ones of their region."""
    users = User.objects.filter(role=Role.PENDAMPING, is_active=True, region__isnull=False)
    if not user.is_superuser:
        mine = user.region_id
        users = users.filter(region__code__startswith=mine) if mine else users.none()
    return users.order_by("region_id", "first_name", "last_name", "username")
