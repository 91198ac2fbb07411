"""The nightly `apply_exits_daily` task: an exit takes effect on its date, not before.

The clock is Django's (`timezone.now`, which `localdate` and the worker's "is it
due yet?" query both read), moved by hand; the task runs through the real
database backend and worker (`harapan db_worker --batch`), in this process.
"""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan.graduation.tasks import apply_exits_daily
from harapan.jobs.scheduling import ensure_scheduled
from harapan.registry.models import FamilyStatus
from harapan.testing import make_approved_exit, queued_run_times, run_due_tasks

WIB = ZoneInfo("Asia/Jakarta")
TASK = "harapan.graduation.tasks.apply_exits_daily"


def queued() -> list[datetime]:
    return queued_run_times(apply_exits_daily)


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_applies_an_exit_on_its_date_and_not_before():
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime(2026, 12, 13, 10, 0, tzinfo=WIB)
        family = make_approved_exit(date(2026, 12, 15))
        ensure_scheduled()
        assert queued() == [datetime(2026, 12, 14, 1, 0, tzinfo=WIB)]

        # A minute before the run is due, the worker finds nothing to do.
        now.return_value = datetime(2026, 12, 14, 0, 59, tzinfo=WIB)
        run_due_tasks()
        assert queued() == [datetime(2026, 12, 14, 1, 0, tzinfo=WIB)]
        assert DBTaskResult.objects.filter(task_path=TASK).count() == 1

        # The night before the exit date: it runs, nobody exits yet.
        now.return_value = datetime(2026, 12, 14, 1, 0, 30, tzinfo=WIB)
        run_due_tasks()
        family.refresh_from_db()
        assert family.status == FamilyStatus.ACTIVE
        first = DBTaskResult.objects.get(task_path=TASK, status=TaskResultStatus.SUCCESSFUL)
        assert first.return_value == {"exits": 0, "memberships": 0, "changes": 0}
        assert queued() == [datetime(2026, 12, 15, 1, 0, tzinfo=WIB)]

        # The exit date: the family leaves PKH as of that day.
        now.return_value = datetime(2026, 12, 15, 1, 0, 30, tzinfo=WIB)
        run_due_tasks()
        family.refresh_from_db()
        assert family.status == FamilyStatus.EXITED
        assert family.exit_date == date(2026, 12, 15)
        assert family.exit_reason == "sejahtera_mandiri"
        runs = DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.SUCCESSFUL)
        assert sorted(run.return_value["exits"] for run in runs) == [0, 1]
        assert queued() == [datetime(2026, 12, 16, 1, 0, tzinfo=WIB)]
        assert DBTaskResult.objects.filter(task_path=TASK).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failing_night_still_queues_the_next_one():
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime(2026, 12, 13, 10, 0, tzinfo=WIB)
        ensure_scheduled()
        now.return_value = datetime(2026, 12, 14, 1, 0, 30, tzinfo=WIB)
        with mock.patch(
            "harapan.graduation.tasks.apply_due_exits", side_effect=RuntimeError("disk full")
        ):
            run_due_tasks()
        failed = DBTaskResult.objects.get(task_path=TASK, status=TaskResultStatus.FAILED)
        assert "disk full" in failed.traceback
        assert queued() == [datetime(2026, 12, 15, 1, 0, tzinfo=WIB)]
