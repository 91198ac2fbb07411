"""Who may do what with one complaint (DESIGN §8). Which complaints a user sees at all is
`accounts.scoping.complaint_filter` (`Complaint.objects.visible_to`)."""

from harapan.accounts.roles import READ_ONLY_ROLES, Role

from .models import Complaint, level_of, rank


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
