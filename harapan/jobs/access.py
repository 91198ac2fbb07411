"""Who sees which runs: their own; an operator those of the region; admin pusat all."""

from harapan.accounts.roles import Role

from .models import Run

OVERSEERS = {Role.OPERATOR, Role.ADMIN_PUSAT}


def oversees_tasks(user) -> bool:
    """Admin pusat and operators see the task page with every run of their region."""
    return user.is_authenticated and (user.is_superuser or user.role in OVERSEERS)


def runs_visible_to(user, kind: str | None = None):
    runs = Run.objects.select_related("started_by")
    if kind:
        runs = runs.filter(kind=kind)
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return runs
    if user.role == Role.OPERATOR and user.region_id:
        return runs.filter(region_code__startswith=user.region_id)
    return runs.filter(started_by=user)
