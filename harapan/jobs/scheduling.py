"""Scheduled jobs (DESIGN §11): a task that re-enqueues itself for its next run.

`settings.HARAPAN_DAILY_JOBS` names each daily task and its local time;
`settings.HARAPAN_HOURLY_JOBS` the tasks run at the top of every hour. A job
calls `enqueue_next_run(its_task)` when it finishes (also when it failed, so a
bad night does not end the schedule); `harapan schedule` calls `ensure_scheduled()`
to start a job that has no run queued (first deploy, a worker killed midway).

Never two queued runs of one job: the check and the insert happen under one
lock (`locking.serialized`).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from .locking import serialized


def next_run_at(at: time, *, after: datetime | None = None) -> datetime:
    """The first moment at local time `at` strictly after `after` (default: now)."""
    now = timezone.localtime(after)
    run = datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    return run if run > now else datetime.combine(now.date() + timedelta(days=1), at, now.tzinfo)


def next_hour_after(after: datetime | None = None) -> datetime:
    """The first top of an hour strictly after `after` (default: now)."""
    now = timezone.localtime(after)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _next_run(task: Task) -> datetime:
    if task.module_path in settings.HARAPAN_HOURLY_JOBS:
        return next_hour_after()
    return next_run_at(time.fromisoformat(settings.HARAPAN_DAILY_JOBS[task.module_path]))


def queued_runs(task: Task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)


def enqueue_next_run(task: Task) -> DBTaskResult | None:
    """Queue `task`'s next run, unless one is queued already; the new row or None."""
    with serialized(task.module_path):
        if queued_runs(task).exists():
            return None
        return task.using(run_after=_next_run(task)).enqueue().db_result


def ensure_scheduled() -> list[DBTaskResult]:
    """Every scheduled job without a queued run gets one; the rows added."""
    added = []
    for path in [*settings.HARAPAN_DAILY_JOBS, *settings.HARAPAN_HOURLY_JOBS]:
        row = enqueue_next_run(import_string(path))
        if row is not None:
            added.append(row)
    return added
