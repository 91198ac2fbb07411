"""The SLA of a complaint's current step (DESIGN §8), computed from the clock, never stored.

received (diterima) → triage due; triaged (ditriase) → first response due; responded
(ditanggapi) or reopened (dibuka_kembali) → resolution due; resolved (selesai) → none.
Each step counts its working days (settings HARAPAN_COMPLAINT_SLA_*_DAYS) from
`step_started_at`, by the rules of workdays/calendar.py.

`sla_of` answers for one complaint; `sla_for` for many with one calendar (one query
for the cuti bersama, none per complaint).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.workdays.calendar import Calendar, SlaStatus

from .models import Complaint, Status


class Step(models.TextChoices):
    TRIAGE = "triase", _("Triase")
    RESPONSE = "tanggapan", _("Tanggapan pertama")
    RESOLUTION = "penyelesaian", _("Penyelesaian")


_STEP_OF_STATUS = {
    Status.RECEIVED: Step.TRIAGE,
    Status.TRIAGED: Step.RESPONSE,
    Status.RESPONDED: Step.RESOLUTION,
    Status.REOPENED: Step.RESOLUTION,
}


def step_days(step: Step) -> int:
    """The step's working days, read from the settings at each call (tests may change them)."""
    setting = {
        Step.TRIAGE: "HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS",
        Step.RESPONSE: "HARAPAN_COMPLAINT_SLA_RESPONSE_DAYS",
        Step.RESOLUTION: "HARAPAN_COMPLAINT_SLA_RESOLUTION_DAYS",
    }[step]
    return getattr(settings, setting)


@dataclass(frozen=True)
class Sla:
    step: Step
    deadline: datetime  # tenggat: the end (23:59:59 local) of the step's last working day
    status: SlaStatus


def deadline(start: datetime, step: Step, calendar: Calendar) -> datetime:
    """The deadline of `step` begun at `start`."""
    return calendar.add_working_days(start, step_days(step))


def steps_taken(complaint) -> list[tuple[Step, datetime, datetime]]:
    """The steps a resolved complaint went through, each (step, start, end), from its
    timestamps (an object with received_at, triaged_at, responded_at, reopened_at and
    resolved_at: a Complaint, or a row of them).

    Each step starts when the one before it ended: triage from receipt, the first
    response from triage, the resolution from the first response. A complaint closed
    early (dicabut, dirujuk, or a duplicate) ends the step it was in when closed and
    takes no later one. A reopened complaint keeps only its last resolution (the first
    one's moment is cleared on reopening; the audit trail holds it): the steps that ended
    before the first resolution count, the step the first resolution ended does not, and
    the last resolution runs from the reopening, as its clock did. An escalation restarts
    a step's clock at the new level, but only once the step is breached: the steps here
    keep their first start, so an escalated step stays late.
    """
    if complaint.resolved_at is None:
        return []
    moments = [
        (Step.TRIAGE, complaint.received_at),
        (Step.RESPONSE, complaint.triaged_at),
        (Step.RESOLUTION, complaint.responded_at),
    ]
    started = [(step, start) for step, start in moments if start is not None]
    ended = [(step, start, end) for (step, start), (_next, end) in pairwise(started)]
    if complaint.reopened_at is None:
        step, start = started[-1]
        return [*ended, (step, start, complaint.resolved_at)]
    return [*ended, (Step.RESOLUTION, complaint.reopened_at, complaint.resolved_at)]


def resolved_on_time(complaint, calendar: Calendar) -> bool:
    """Whether a resolved complaint ended every step it took by that step's deadline
    (`steps_taken`); False for one not resolved."""
    steps = steps_taken(complaint)
    return bool(steps) and all(end <= deadline(start, step, calendar)
                               for step, start, end in steps)  # fmt: skip


def current_step(complaint: Complaint) -> Step | None:
    """The step the complaint waits on; None once it is resolved."""
    return _STEP_OF_STATUS.get(complaint.status)


def sla_of(complaint: Complaint, now: datetime, *, calendar: Calendar | None = None) -> Sla | None:
    """The current step, its deadline and its status at `now`; None for a resolved one."""
    step = current_step(complaint)
    if step is None:
        return None
    calendar = calendar or Calendar()
    start = complaint.step_started_at
    return Sla(step, deadline(start, step, calendar), calendar.status(start, step_days(step), now))


def calendar_for(complaints: Iterable[Complaint], now: datetime) -> Calendar:
    """One calendar holding every year the complaints' steps may reach (a later year, if a
    deadline falls in it, is read once, when first needed)."""
    years = {complaint.step_started_at.year for complaint in complaints} | {now.year}
    return Calendar.for_years(years)


def sla_for(complaints: Iterable[Complaint], now: datetime) -> dict[int, Sla | None]:
    """`sla_of` for many complaints, by pk, with one calendar (none read for no complaint)."""
    complaints = list(complaints)
    if not complaints:
        return {}
    calendar = calendar_for(complaints, now)
    return {complaint.pk: sla_of(complaint, now, calendar=calendar) for complaint in complaints}


def having_sla(complaints: models.QuerySet, status: str, now: datetime) -> models.QuerySet:
    """The open complaints of `complaints` whose current step is `status` at `now`: the SLA
    of all of them at once (one calendar, one read of the clock columns), then one filter."""
    rows = list(complaints.open().only("pk", "status", "step_started_at"))
    found = [pk for pk, sla in sla_for(rows, now).items() if sla and sla.status == status]
    return complaints.filter(pk__in=found)
