"""The SLA of a complaint's current step, every date counted by hand on a 2026 calendar.

National holidays used (holidays.Indonesia, see workdays/tests/test_calendar.py):
Mon 17 Aug 2026 Kemerdekaan, Tue 25 Aug 2026 Maulid Nabi. Default steps: triage 3,
first response 5, resolution 10 working days.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import override_settings

from harapan.workdays.calendar import SlaStatus

from ..models import Complaint, Status
from ..sla import Step, sla_for, sla_of
from .base import ComplaintTestCase, file_complaint

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


# Received Friday 14 Aug 2026 10:00 WIB: the day of receipt never counts; Sat 15, Sun 16
# and Mon 17 (Kemerdekaan) are off: Tue 18 (1), Wed 19 (2), Thu 20 (3).
FRIDAY = wib(2026, 8, 14, 10, 0)
TRIAGE_DUE = wib(2026, 8, 20, 23, 59, 59)


class StepSlaTest(ComplaintTestCase):
    def received_friday(self) -> Complaint:
        complaint, _pin = file_complaint(saluran="datang", received_at=FRIDAY,
                                         acting_user=self.pendamping_a)  # fmt: skip
        return complaint

    def test_a_complaint_received_before_a_holiday_is_due_for_triage_on_the_third_working_day(
        self,
    ):
        sla = sla_of(self.received_friday(), wib(2026, 8, 17, 12, 0))
        self.assertEqual(sla.step, Step.TRIAGE)
        self.assertEqual(sla.deadline, TRIAGE_DUE)
        self.assertEqual(sla.status, SlaStatus.ON_TIME)

    def test_it_is_at_risk_with_less_than_a_quarter_of_its_working_time_left(self):
        # 3 × 24 h from Tue 18 00:00; a quarter (18 h) is left at Thu 20 06:00.
        complaint = self.received_friday()
        self.assertEqual(sla_of(complaint, wib(2026, 8, 20, 6, 0)).status, SlaStatus.ON_TIME)
        self.assertEqual(sla_of(complaint, wib(2026, 8, 20, 6, 1)).status, SlaStatus.AT_RISK)
        self.assertEqual(sla_of(complaint, wib(2026, 8, 20, 23, 59)).status, SlaStatus.AT_RISK)

    def test_it_is_breached_once_its_last_working_day_has_ended(self):
        complaint = self.received_friday()
        self.assertEqual(sla_of(complaint, wib(2026, 8, 21, 0, 0)).status, SlaStatus.BREACHED)

    def test_each_status_waits_on_its_own_step(self):
        complaint = self.received_friday()
        # Step started Wed 26 Aug 2026 09:00; Thu 27 (1), Fri 28 (2), Mon 31 (3), Tue 1 Sep
        # (4), Wed 2 Sep (5) for the first response.
        complaint.step_started_at = wib(2026, 8, 26, 9, 0)
        complaint.status = Status.TRIAGED
        sla = sla_of(complaint, wib(2026, 8, 26, 9, 0))
        self.assertEqual((sla.step, sla.deadline), (Step.RESPONSE, wib(2026, 9, 2, 23, 59, 59)))
        # Resolution, 10 days from Fri 21 Aug: Mon 24 (1), Wed 26 .. Fri 28 (2-4),
        # Mon 31 .. Fri 4 Sep (5-9), Mon 7 Sep (10); Tue 25 Aug is Maulid Nabi.
        complaint.step_started_at = wib(2026, 8, 21, 15, 0)
        for status in (Status.RESPONDED, Status.REOPENED):
            complaint.status = status
            sla = sla_of(complaint, wib(2026, 8, 21, 15, 0))
            self.assertEqual(
                (sla.step, sla.deadline), (Step.RESOLUTION, wib(2026, 9, 7, 23, 59, 59))
            )
        complaint.status = Status.RESOLVED
        self.assertIsNone(sla_of(complaint, wib(2026, 9, 30, 0, 0)))

    @override_settings(HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS=1)
    def test_the_steps_working_days_come_from_the_settings(self):
        # One working day after Fri 14 Aug: Tue 18 Aug.
        sla = sla_of(self.received_friday(), wib(2026, 8, 17, 12, 0))
        self.assertEqual(sla.deadline, wib(2026, 8, 18, 23, 59, 59))

    def test_many_complaints_are_answered_with_one_calendar_query(self):
        first, second = self.received_friday(), self.received_friday()
        Complaint.objects.filter(pk=second.pk).update(status=Status.RESOLVED)
        rows = list(Complaint.objects.filter(pk__in=[first.pk, second.pk]))
        with self.assertNumQueries(1):  # the cuti bersama of 2026, once
            found = sla_for(rows, wib(2026, 8, 21, 0, 0))
        self.assertEqual(found[first.pk].status, SlaStatus.BREACHED)
        self.assertIsNone(found[second.pk])
