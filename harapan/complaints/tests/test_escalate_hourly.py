"""The hourly `escalate_complaints_hourly` task, through the real database worker, with the
clock (`timezone.now`) moved by hand; the triage of a complaint received Fri 14 Aug 2026
is due Thu 20 Aug 23:59:59 WIB (Mon 17 Aug is a holiday), as in test_escalation.py."""

from unittest import mock

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan.accounts.roles import Role
from harapan.jobs.scheduling import ensure_scheduled
from harapan.testing import KEC_A, make_family, make_user, queued_run_times, run_due_tasks

from ..models import Complaint, Level
from ..tasks import escalate_complaints_hourly
from .base import file_complaint
from .test_sla import FRIDAY, wib

TASK = "harapan.complaints.tasks.escalate_complaints_hourly"


@pytest.mark.django_db(transaction=True)
def test_the_hourly_job_escalates_a_complaint_in_the_first_run_after_its_deadline():
    pendamping = make_user("pendamping_x", Role.PENDAMPING, KEC_A)
    korcam = make_user("korcam_x", Role.KORCAM, KEC_A)
    family = make_family(pendamping=pendamping)
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = wib(2026, 8, 20, 22, 30)
        complaint, _pin = file_complaint(family=family, saluran="datang", received_at=FRIDAY,
                                         acting_user=korcam)  # fmt: skip
        ensure_scheduled()
        assert queued_run_times(escalate_complaints_hourly) == [wib(2026, 8, 20, 23, 0)]

        # Thu 23:00: the last hour of its last working day, still in time.
        now.return_value = wib(2026, 8, 20, 23, 0, 30)
        run_due_tasks()
        assert Complaint.objects.get().tingkat == Level.PENDAMPING
        assert queued_run_times(escalate_complaints_hourly) == [wib(2026, 8, 21, 0, 0)]

        now.return_value = wib(2026, 8, 21, 0, 0, 30)
        run_due_tasks()
        complaint.refresh_from_db()
        assert (complaint.tingkat, complaint.handler) == (Level.KORCAM, korcam)
        assert complaint.step_started_at == wib(2026, 8, 21, 0, 0, 30)
        runs = DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.SUCCESSFUL)
        assert sorted(run.return_value["dinaikkan"] for run in runs) == [0, 1]
        assert queued_run_times(escalate_complaints_hourly) == [wib(2026, 8, 21, 1, 0)]
