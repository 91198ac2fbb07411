"""Helpers of the work-plan tests: a plan through the real actions, an activity row as the
activity log or a recording app would write it."""

from datetime import date

from harapan.fieldwork import actions_plans as actions
from harapan.fieldwork.models import Activity


def make_plan(pendamping, month: date, planned: dict[str, int], *, reviewer=None, today=None):
    """`pendamping`'s plan of `month` with these counts, submitted, and accepted by
    `reviewer` when one is given."""
    today = today or month
    lines = [actions.Line(kind, count, "") for kind, count in planned.items()]
    plan = actions.save_plan(pendamping, month, lines, acting_user=pendamping, today=today)
    plan = actions.submit_plan(plan, acting_user=pendamping, today=today)
    if reviewer is not None:
        plan = actions.review_plan(plan, accept=True, acting_user=reviewer)
    return plan


def log(pendamping, kind: str, on: date, source: str = "", **kwargs) -> Activity:
    """An activity row: typed (no source) or recorded from elsewhere (`source`)."""
    return Activity.objects.create(
        pendamping=pendamping, kind=kind, on=on, source=source, created_by=pendamping, **kwargs
    )
