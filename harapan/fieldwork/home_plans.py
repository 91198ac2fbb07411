"""The monthly work plan on the home page (DESIGN §9, §11): the pendamping's plan of this
month against its realisation, and what the to-do lines of the plan count (todo.py)."""

from datetime import date

from harapan.accounts.roles import Role
from harapan.lib.months import add_months, month_start

from .models import PlanStatus, WorkPlan
from .realisation import Realisation, realisation_of

REMIND_DAYS = 7  # the last week of a month: next month's plan is due


def home_plan(user, today: date) -> Realisation | None:
    """This month's plan against realisation, for a pendamping's home page."""
    if user.role != Role.PENDAMPING:
        return None
    return realisation_of(user, month_start(today))


def plans_needing_attention(user, today: date) -> tuple[date | None, list[date]]:
    """(next month, when its plan is due in the last 7 days of this month and not yet
    submitted; the months whose plan was returned, until submitted again)."""
    this_month = month_start(today)
    next_month = add_months(this_month, 1)
    plans = dict(
        WorkPlan.objects.filter(pendamping=user, month__in=[this_month, next_month]).values_list(
            "month", "status"
        )
    )
    handed_in = {PlanStatus.SUBMITTED, PlanStatus.ACCEPTED}
    due = (next_month - today).days <= REMIND_DAYS and plans.get(next_month) not in handed_in
    returned = sorted(month for month, status in plans.items() if status == PlanStatus.RETURNED)
    return (next_month if due else None), returned
