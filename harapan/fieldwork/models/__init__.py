"""The pendamping's own work (issue 16, DESIGN §9), one module per record kind; every model
is imported here so that Django finds it."""

from .activities import Activity, ActivityQuerySet
from .coaching import CoachingNote
from .ethics import EthicsCase, EthicsDecision, EthicsKind, EthicsStatus
from .plans import PlanLine, PlanStatus, WorkPlan

__all__ = [
    "Activity",
    "ActivityQuerySet",
    "CoachingNote",
    "EthicsCase",
    "EthicsDecision",
    "EthicsKind",
    "EthicsStatus",
    "PlanLine",
    "PlanStatus",
    "WorkPlan",
]
