"""The pendamping's own work (issue 16, DESIGN §9), one module per record kind; every model
is imported here so that Django finds it."""

from .activities import Activity, ActivityQuerySet
from .plans import PlanLine, PlanStatus, WorkPlan

__all__ = ["Activity", "ActivityQuerySet", "PlanLine", "PlanStatus", "WorkPlan"]
