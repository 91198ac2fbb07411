"""`harapan schedule` and the scheduled jobs' next run (DESIGN §11)."""

import threading
from datetime import datetime, time
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from harapan.graduation.tasks import apply_exits_daily
from harapan.jobs import scheduling
from harapan.jobs.scheduling import enqueue_next_run, next_hour_after, next_run_at

WIB = ZoneInfo("Asia/Jakarta")


class NextRun(TestCase):
    def test_before_one_in_the_morning_it_is_the_same_night(self):
        after = datetime(2026, 12, 14, 0, 30, tzinfo=WIB)
        self.assertEqual(next_run_at(time(1), after=after), datetime(2026, 12, 14, 1, tzinfo=WIB))

    def test_at_one_in_the_morning_it_is_the_next_night(self):
        after = datetime(2026, 12, 14, 1, 0, tzinfo=WIB)
        self.assertEqual(next_run_at(time(1), after=after), datetime(2026, 12, 15, 1, tzinfo=WIB))

    def test_it_counts_in_local_time_not_utc(self):
        # 19:00 UTC on the 31st is 02:00 WIB on 1 January: the next 01:00 WIB is on the 2nd.
        after = datetime(2026, 12, 31, 19, 0, tzinfo=ZoneInfo("UTC"))
        self.assertEqual(next_run_at(time(1), after=after), datetime(2027, 1, 2, 1, tzinfo=WIB))


class NextHour(TestCase):
    def test_it_is_the_next_top_of_an_hour(self):
        after = datetime(2026, 12, 14, 0, 30, tzinfo=WIB)
        self.assertEqual(next_hour_after(after), datetime(2026, 12, 14, 1, tzinfo=WIB))

    def test_at_the_top_of_an_hour_it_is_the_hour_after(self):
        after = datetime(2026, 12, 14, 1, 0, tzinfo=WIB)
        self.assertEqual(next_hour_after(after), datetime(2026, 12, 14, 2, tzinfo=WIB))

    def test_it_crosses_midnight_and_the_year_in_local_time(self):
        # 16:59:59 UTC on the 31st is 23:59:59 WIB: the next hour is midnight of 1 January.
        after = datetime(2026, 12, 31, 16, 59, 59, tzinfo=ZoneInfo("UTC"))
        self.assertEqual(next_hour_after(after), datetime(2027, 1, 1, 0, tzinfo=WIB))


class Schedule(TestCase):
    def schedule(self) -> str:
        out = StringIO()
        call_command("schedule", stdout=out)
        return out.getvalue()

    def test_it_queues_each_nightly_job_once_however_often_it_runs(self):
        with mock.patch("django.utils.timezone.now",
                        return_value=datetime(2026, 12, 13, 10, 0, tzinfo=WIB)):  # fmt: skip
            first = self.schedule()
            second = self.schedule()
        self.assertEqual(
            first,
            "Dijadwalkan: harapan.graduation.tasks.apply_exits_daily pada 2026-12-14 01:00.\n"
            "Dijadwalkan: harapan.registry.tasks.check_data_nightly pada 2026-12-14 02:00.\n"
            "Dijadwalkan: harapan.reports.tasks.refresh_summaries_nightly pada 2026-12-14 03:00.\n"
            "Dijadwalkan: harapan.complaints.tasks.escalate_complaints_hourly pada "
            "2026-12-13 11:00.\n",
        )
        self.assertEqual(second, "Semua tugas terjadwal sudah ada di antrean.\n")
        self.assertEqual(
            set(DBTaskResult.objects.values_list("task_path", "run_after")),
            {
                (
                    "harapan.graduation.tasks.apply_exits_daily",
                    datetime(2026, 12, 14, 1, tzinfo=WIB),
                ),
                (
                    "harapan.registry.tasks.check_data_nightly",
                    datetime(2026, 12, 14, 2, tzinfo=WIB),
                ),
                (
                    "harapan.reports.tasks.refresh_summaries_nightly",
                    datetime(2026, 12, 14, 3, tzinfo=WIB),
                ),
                (
                    "harapan.complaints.tasks.escalate_complaints_hourly",
                    datetime(2026, 12, 13, 11, tzinfo=WIB),
                ),
            },
        )

    def test_a_run_finishing_does_not_queue_beside_a_run_already_queued(self):
        self.schedule()
        self.assertIsNone(enqueue_next_run(apply_exits_daily))
        self.assertEqual(
            DBTaskResult.objects.filter(task_path=apply_exits_daily.module_path).count(), 1
        )


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_one_run():
    """`harapan schedule` at deploy time while the nightly run re-enqueues itself."""
    look = scheduling.queued_runs
    both_looking = threading.Barrier(2, timeout=3)

    def meet_then_look(task):
        # Without the lock both threads pass here together and both find nothing
        # queued; with it the second waits for the first to commit.
        try:
            both_looking.wait()
        except threading.BrokenBarrierError:
            pass
        return look(task)

    added = []

    def schedule():
        try:
            added.append(enqueue_next_run(apply_exits_daily))
        finally:
            connection.close()

    with mock.patch.object(scheduling, "queued_runs", meet_then_look):
        threads = [threading.Thread(target=schedule) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(row is None for row in added) == [False, True]
    assert DBTaskResult.objects.count() == 1
