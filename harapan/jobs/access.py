"""Who sees which runs: their own; an operator those of the region; admin pusat all."""

from datetime import timedelta

from django.utils import timezone

from harapan.accounts.roles import Role

from .models import Run, RunKind, RunStatus

RECENT_DAYS = 7

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


IMPORT_KINDS = (
    RunKind.REGISTRY_IMPORT,
    RunKind.VERIFICATION_IMPORT,
    RunKind.DISBURSEMENT_IMPORT,
    RunKind.SCHOOLS_IMPORT,
    RunKind.FACILITIES_IMPORT,
    RunKind.PROGRAMS_IMPORT,
)
TO_FOLLOW = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.REJECTED, RunStatus.FAILED)


def to_follow(runs):
    """The `runs` still under way, or that ended without doing their work in the last
    RECENT_DAYS (a rejected file to correct, a failed run to repeat): a home to-do."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return runs.filter(status__in=TO_FOLLOW, created_at__gte=since)


def runs_to_follow(user):
    """The user's own runs to follow."""
    return to_follow(Run.objects.filter(started_by=user))
