"""Scheduled jobs (DESIGN §11): a task that re-enqueues itself for its next run.

`settings.HARAPAN_DAILY_JOBS` names each daily task and its local time. A job
calls `enqueue_next_run(its_task)` when it finishes (also when it failed, so a
bad night does not end the schedule); `harapan schedule` calls `ensure_scheduled()`
to start a job that has no run queued (first deploy, a worker killed midway).

Never two queued runs of one job: the check and the insert happen under a lock,
a transaction-scoped advisory lock on PostgreSQL, an exclusive transaction on
SQLite (which takes the database's write lock at BEGIN).
"""

import zlib
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction


def next_run_at(at: time, *, after: datetime | None = None) -> datetime:
    """The first moment at local time `at` strictly after `after` (default: now)."""
    now = timezone.localtime(after)
    run = datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    return run if run > now else datetime.combine(now.date() + timedelta(days=1), at, now.tzinfo)


def queued_runs(task: Task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)


def enqueue_next_run(task: Task) -> DBTaskResult | None:
    """Queue `task`'s next daily run, unless one is queued already; the new row or None."""
    at = time.fromisoformat(settings.HARAPAN_DAILY_JOBS[task.module_path])
    # Connect first: opening a SQLite connection resets the EXCLUSIVE mode that
    # exclusive_transaction sets, and a plain BEGIN would fail instead of waiting.
    connection.ensure_connection()
    with exclusive_transaction(DBTaskResult.objects.db):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                key = zlib.crc32(task.module_path.encode())
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        if queued_runs(task).exists():
            return None
        return task.using(run_after=next_run_at(at)).enqueue().db_result


def ensure_scheduled() -> list[DBTaskResult]:
    """Every job of `HARAPAN_DAILY_JOBS` without a queued run gets one; the rows added."""
    added = []
    for path in settings.HARAPAN_DAILY_JOBS:
        row = enqueue_next_run(import_string(path))
        if row is not None:
            added.append(row)
    return added
