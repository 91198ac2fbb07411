"""The pendamping's own work (issue 16, DESIGN §9), one module per record kind; every model
is imported here so that Django finds it."""

from .activities import Activity, ActivityQuerySet
from .coaching import CoachingNote
from .ethics import EthicsCase, EthicsDecision, EthicsKind, EthicsStatus
from .meetings import ActionFollowUp, ActionItem, CoordinationMeeting, MeetingAttendance
from .plans import PlanLine, PlanStatus, WorkPlan

__all__ = [
    "ActionFollowUp",
    "ActionItem",
    "Activity",
    "ActivityQuerySet",
    "CoachingNote",
    "CoordinationMeeting",
    "EthicsCase",
    "EthicsDecision",
    "EthicsKind",
    "EthicsStatus",
    "MeetingAttendance",
    "PlanLine",
    "PlanStatus",
    "WorkPlan",
]
