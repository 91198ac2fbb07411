"""`harapan schedule` and the scheduled jobs' next run (DESIGN §11)."""

from datetime import datetime, time
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from harapan.graduation.tasks import apply_exits_daily
from harapan.jobs.scheduling import enqueue_next_run, next_run_at

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


class Schedule(TestCase):
    def schedule(self) -> str:
        out = StringIO()
        call_command("schedule", stdout=out)
        return out.getvalue()

    def test_it_queues_the_nightly_exits_once_however_often_it_runs(self):
        with mock.patch("django.utils.timezone.now",
                        return_value=datetime(2026, 12, 13, 10, 0, tzinfo=WIB)):  # fmt: skip
            first = self.schedule()
            second = self.schedule()
        self.assertEqual(
            first,
            "Dijadwalkan: harapan.graduation.tasks.apply_exits_daily pada 2026-12-14 01:00.\n",
        )
        self.assertEqual(second, "Semua tugas terjadwal sudah ada di antrean.\n")
        row = DBTaskResult.objects.get()
        self.assertEqual(row.task_path, "harapan.graduation.tasks.apply_exits_daily")
        self.assertEqual(row.run_after, datetime(2026, 12, 14, 1, 0, tzinfo=WIB))

    def test_a_run_finishing_does_not_queue_beside_a_run_already_queued(self):
        self.schedule()
        self.assertIsNone(enqueue_next_run(apply_exits_daily))
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_harapan_demo_leaves_the_nightly_job_queued(self):
        with mock.patch("harapan.demo.management.commands.demo.build_demo", return_value=[]):
            call_command("demo", stdout=StringIO())
        self.assertEqual(
            list(DBTaskResult.objects.values_list("task_path", flat=True)),
            ["harapan.graduation.tasks.apply_exits_daily"],
        )
