"""The pendamping's own work (issue 16, DESIGN §9), one module per record kind; every model
is imported here so that Django finds it."""

from .activities import Activity, ActivityQuerySet
from .meetings import ActionFollowUp, ActionItem, CoordinationMeeting, MeetingAttendance
from .plans import PlanLine, PlanStatus, WorkPlan

__all__ = [
    "ActionFollowUp",
    "ActionItem",
    "CoordinationMeeting",
    "MeetingAttendance",
    "Activity",
    "ActivityQuerySet",
    "PlanLine",
    "PlanStatus",
    "WorkPlan",
]
