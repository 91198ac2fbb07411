"""The working-day calendar, with every expected date counted by hand on a 2026 calendar.

National holidays of 2026 used below (holidays.Indonesia, read once by hand):
Mon 1 Jun Hari Lahir Pancasila, Tue 16 Jun Tahun Baru Islam, Mon 17 Aug Kemerdekaan,
Tue 25 Aug Maulid Nabi, Thu 19 Mar Nyepi, Fri 25 Dec Natal; Fri 1 Jan 2027 Tahun Baru,
Tue 5 Jan 2027 Isra Mikraj.
November 2026 has none.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from harapan.workdays.calendar import (
    Calendar,
    SlaStatus,
    add_working_days,
    is_working_day,
    sla_status,
)
from harapan.workdays.models import CollectiveLeave

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


class WorkingDayTest(TestCase):
    def test_weekdays_are_working_days_and_weekends_are_not(self):
        assert is_working_day(date(2026, 11, 6))  # Friday
        assert not is_working_day(date(2026, 11, 7))  # Saturday
        assert not is_working_day(date(2026, 11, 8))  # Sunday
        assert is_working_day(date(2026, 11, 9))  # Monday

    def test_national_holidays_are_not_working_days(self):
        assert not is_working_day(date(2026, 6, 1))  # Monday, Hari Lahir Pancasila
        assert not is_working_day(date(2026, 8, 17))  # Monday, Kemerdekaan
        assert is_working_day(date(2026, 6, 2))

    def test_a_cuti_bersama_day_is_not_a_working_day(self):
        assert is_working_day(date(2026, 12, 24))
        CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti bersama Natal")
        assert not is_working_day(date(2026, 12, 24))


class DeadlineTest(TestCase):
    def test_a_friday_afternoon_complaint_counts_from_monday(self):
        # Mon 9, Tue 10, Wed 11 Nov.
        assert add_working_days(wib(2026, 11, 6, 15, 0), 3) == wib(2026, 11, 11, 23, 59, 59)

    def test_a_complaint_received_on_a_weekend_counts_from_monday(self):
        assert add_working_days(wib(2026, 11, 7, 10, 0), 3) == wib(2026, 11, 11, 23, 59, 59)
        assert add_working_days(wib(2026, 11, 8, 22, 0), 3) == wib(2026, 11, 11, 23, 59, 59)

    def test_the_day_of_receipt_never_counts(self):
        # Received Monday 08:00: Tue 10, Wed 11, Thu 12.
        assert add_working_days(wib(2026, 11, 9, 8, 0), 3) == wib(2026, 11, 12, 23, 59, 59)
        assert add_working_days(wib(2026, 11, 9, 8, 0), 1) == wib(2026, 11, 10, 23, 59, 59)

    def test_a_friday_before_a_monday_holiday_skips_the_holiday(self):
        # Fri 29 May; Sat 30, Sun 31, Mon 1 Jun (Pancasila) off; Tue 2, Wed 3, Thu 4.
        assert add_working_days(wib(2026, 5, 29, 15, 0), 3) == wib(2026, 6, 4, 23, 59, 59)
        # Fri 14 Aug; Mon 17 off; Tue 18, Wed 19, Thu 20, Fri 21, Mon 24.
        assert add_working_days(wib(2026, 8, 14, 10, 0), 5) == wib(2026, 8, 24, 23, 59, 59)

    def test_ten_days_step_over_a_holiday_inside(self):
        # Fri 14 Aug: 18, 19, 20, 21, 24 (5); Tue 25 Maulid off; 26, 27, 28, 31 (9), 1 Sep.
        assert add_working_days(wib(2026, 8, 14, 10, 0), 10) == wib(2026, 9, 1, 23, 59, 59)
        # Fri 5 Jun: 8-12 (5), 15 (6); Tue 16 Tahun Baru Islam off; 17, 18, 19 (9), 22.
        assert add_working_days(wib(2026, 6, 5, 9, 0), 10) == wib(2026, 6, 22, 23, 59, 59)

    def test_a_week_of_cuti_bersama_entered_by_the_admin_moves_the_deadline(self):
        # Lebaran week: Tue 17 Mar 14:00, 3 days. Without the cuti bersama: Wed 18,
        # (Thu 19 Nyepi off), Fri 20, (weekend), Mon 23.
        received = wib(2026, 3, 17, 14, 0)
        assert add_working_days(received, 3) == wib(2026, 3, 23, 23, 59, 59)
        for day in [18, 20, 23, 24]:
            CollectiveLeave.objects.create(date=date(2026, 3, day), description="Cuti bersama")
        # Now 18-24 Mar are all off: Wed 25, Thu 26, Fri 27.
        assert add_working_days(received, 3) == wib(2026, 3, 27, 23, 59, 59)

    def test_the_local_date_decides_not_the_utc_date(self):
        # Thu 5 Nov 23:30 WIB is Thu 16:30 UTC: counted from Thursday, Fri 6, Mon 9, Tue 10.
        thursday_night = datetime(2026, 11, 5, 16, 30, tzinfo=UTC)
        assert add_working_days(thursday_night, 3) == wib(2026, 11, 10, 23, 59, 59)
        assert add_working_days(thursday_night, 3) == datetime(2026, 11, 10, 16, 59, 59, tzinfo=UTC)
        # Thu 17:30 UTC is already Fri 6 Nov 00:30 WIB: Mon 9, Tue 10, Wed 11.
        friday_early = datetime(2026, 11, 5, 17, 30, tzinfo=UTC)
        assert add_working_days(friday_early, 3) == wib(2026, 11, 11, 23, 59, 59)

    def test_a_timezone_activated_for_a_request_changes_nothing(self):
        with timezone.override(ZoneInfo("America/New_York")):
            assert add_working_days(wib(2026, 11, 5, 23, 30), 3) == wib(2026, 11, 10, 23, 59, 59)

    def test_it_refuses_a_naive_moment_and_a_step_of_no_days(self):
        with pytest.raises(ValueError):
            add_working_days(datetime(2026, 11, 6, 15, 0), 3)
        with pytest.raises(ValueError):
            add_working_days(wib(2026, 11, 6, 15, 0), 0)

    def test_a_step_into_the_next_year_reads_that_years_days_off(self):
        # Wed 30 Dec 2026: Thu 31 (1); Fri 1 Jan 2027 Tahun Baru off; Mon 4 (2);
        # Tue 5 Isra Mikraj off; Wed 6 (3).
        calendar = Calendar.for_years([2026])
        with self.assertNumQueries(1):  # the cuti bersama of 2027, once
            assert calendar.add_working_days(wib(2026, 12, 30, 10, 0), 3) == wib(
                2027, 1, 6, 23, 59, 59
            )
            assert calendar.add_working_days(wib(2026, 12, 30, 10, 0), 3) == wib(
                2027, 1, 6, 23, 59, 59
            )


class WorkingDaysBetweenTest(TestCase):
    def test_it_counts_the_working_days_after_the_start_day_up_to_the_end_day(self):
        # Fri 14 Aug 2026: Sat 15, Sun 16, Mon 17 (Kemerdekaan) off; Tue 18 (1), Wed 19 (2),
        # Thu 20 (3), Fri 21 (4); Mon 24 (5); Tue 25 (Maulid) off; Wed 26 (6).
        calendar = Calendar.for_years([2026])
        assert calendar.working_days_between(wib(2026, 8, 14, 10, 0), wib(2026, 8, 20, 8, 0)) == 3
        assert calendar.working_days_between(wib(2026, 8, 14, 10, 0), wib(2026, 8, 26, 23, 0)) == 6

    def test_an_end_on_the_start_day_or_before_the_next_working_day_is_zero(self):
        calendar = Calendar.for_years([2026])
        assert calendar.working_days_between(wib(2026, 8, 14, 8, 0), wib(2026, 8, 14, 17, 0)) == 0
        assert calendar.working_days_between(wib(2026, 8, 14, 8, 0), wib(2026, 8, 17, 17, 0)) == 0

    def test_it_agrees_with_the_deadline(self):
        # Three working days from Fri 14 Aug end on Thu 20 Aug 23:59:59 WIB.
        calendar = Calendar.for_years([2026])
        start, deadline = (
            wib(2026, 8, 14, 10, 0),
            calendar.add_working_days(wib(2026, 8, 14, 10, 0), 3),
        )
        assert calendar.working_days_between(start, deadline) == 3
        assert calendar.working_days_between(start, deadline + timedelta(seconds=1)) == 4

    def test_it_reads_the_local_date(self):
        # Thu 20 Aug 2026 23:30 WIB is 16:30 UTC: still Thursday, the third working day.
        calendar = Calendar.for_years([2026])
        end = datetime(2026, 8, 20, 16, 30, tzinfo=UTC)
        assert calendar.working_days_between(wib(2026, 8, 14, 10, 0), end) == 3


class StatusTest(TestCase):
    # Received Fri 29 May 10:00, 3 days: the step's time is Tue 2, Wed 3, Thu 4 Jun,
    # 72 working hours; a quarter is 18 hours, left at Thu 4 Jun 06:00.
    received = wib(2026, 5, 29, 10, 0)

    def test_it_is_on_time_while_a_quarter_or_more_is_left(self):
        assert sla_status(self.received, 3, wib(2026, 5, 29, 16, 0)) == SlaStatus.ON_TIME
        assert sla_status(self.received, 3, wib(2026, 6, 1, 12, 0)) == SlaStatus.ON_TIME  # holiday
        assert sla_status(self.received, 3, wib(2026, 6, 3, 23, 0)) == SlaStatus.ON_TIME
        assert sla_status(self.received, 3, wib(2026, 6, 4, 6, 0, 0)) == SlaStatus.ON_TIME

    def test_it_is_at_risk_once_less_than_a_quarter_is_left(self):
        assert sla_status(self.received, 3, wib(2026, 6, 4, 6, 0, 1)) == SlaStatus.AT_RISK
        assert sla_status(self.received, 3, wib(2026, 6, 4, 23, 59, 59)) == SlaStatus.AT_RISK

    def test_it_is_breached_one_second_after_the_deadline(self):
        assert sla_status(self.received, 3, wib(2026, 6, 5, 0, 0, 0)) == SlaStatus.BREACHED
        assert sla_status(self.received, 3, wib(2026, 7, 1, 9, 0)) == SlaStatus.BREACHED

    def test_the_time_left_is_working_time(self):
        calendar = Calendar()
        assert calendar.time_left(self.received, 3, wib(2026, 6, 1, 12, 0)) == timedelta(hours=72)
        assert calendar.time_left(self.received, 3, wib(2026, 6, 3, 12, 0)) == timedelta(hours=36)
        assert calendar.time_left(self.received, 3, wib(2026, 6, 5, 0, 0)) == timedelta()

    def test_a_holiday_inside_the_step_uses_none_of_its_time(self):
        # Thu 13 Aug 10:00, 3 days: Fri 14, (Mon 17 off), Tue 18, Wed 19. On Tue 18 at
        # 23:00 it has used 24 + 23 = 47 of 72 hours: 25 left, more than 18, on time
        # (in calendar time, 25 hours of 158 would be at risk).
        received = wib(2026, 8, 13, 10, 0)
        assert sla_status(received, 3, wib(2026, 8, 18, 23, 0)) == SlaStatus.ON_TIME
        # Wed 19 06:00 leaves 18 hours exactly; one second later less.
        assert sla_status(received, 3, wib(2026, 8, 19, 6, 0, 0)) == SlaStatus.ON_TIME
        assert sla_status(received, 3, wib(2026, 8, 19, 6, 0, 1)) == SlaStatus.AT_RISK
        assert sla_status(received, 3, wib(2026, 8, 20, 0, 0, 0)) == SlaStatus.BREACHED

    def test_the_status_reads_the_clock_in_any_zone(self):
        # Thu 4 Jun 06:00:01 WIB is Wed 23:00:01 UTC.
        now = datetime(2026, 6, 3, 23, 0, 1, tzinfo=UTC)
        assert sla_status(self.received, 3, now) == SlaStatus.AT_RISK

    def test_one_calendar_answers_many_complaints_with_one_query(self):
        CollectiveLeave.objects.create(date=date(2026, 6, 2), description="Cuti bersama (uji)")
        with self.assertNumQueries(1):
            calendar = Calendar.for_years([2026])
            for hour in range(0, 24):
                calendar.status(self.received, 3, wib(2026, 6, 4, hour, 0))
            # With Tue 2 Jun off: Wed 3, Thu 4, Fri 5.
            assert calendar.add_working_days(self.received, 3) == wib(2026, 6, 5, 23, 59, 59)


def test_the_sla_days_default_to_design_section_8():
    assert settings.HARAPAN_COMPLAINT_SLA_TRIAGE_DAYS == 3
    assert settings.HARAPAN_COMPLAINT_SLA_RESPONSE_DAYS == 5
    assert settings.HARAPAN_COMPLAINT_SLA_RESOLUTION_DAYS == 10
