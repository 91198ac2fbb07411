"""A real `harapan db_worker` process runs what the web process enqueues.

The worker is a separate process on the test database (on SQLite a file:
harapan/conftest.py), started the way `make run` starts it, stopped the way
Ctrl+C or systemd stops it.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from harapan.graduation.tasks import apply_exits_daily
from harapan.registry.models import FamilyStatus
from harapan.testing import make_approved_exit, start_worker, stop_worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_an_enqueued_task_and_stops_on_sigterm():
    # Dated yesterday, approved the day before: due, and left for the job to apply.
    yesterday = timezone.localdate() - timedelta(days=1)
    family = make_approved_exit(yesterday, approved_on=yesterday - timedelta(days=1))
    assert family.status == FamilyStatus.ACTIVE
    worker = start_worker()
    try:
        result = apply_exits_daily.enqueue()
        deadline = time.monotonic() + 60
        while not result.is_finished and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, worker.poll() or result.errors
        assert result.return_value == {"exits": 1, "memberships": 0, "changes": 0}
        assert len(result.worker_ids) == 1
        family.refresh_from_db()
        assert family.status == FamilyStatus.EXITED
    finally:
        output = stop_worker(worker)
    assert worker.returncode == 0, output
