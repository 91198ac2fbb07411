"""Working days (hari kerja) and the SLA clock of complaints (DESIGN §8).

A working day is Monday to Friday, less Indonesia's national holidays (the `holidays`
package, public category) and the cuti bersama an admin enters (`CollectiveLeave`).
Dates are local dates in TIME_ZONE (Asia/Jakarta): a complaint received on Thursday
at 23:30 WIB was received on Thursday, although it is Thursday 16:30 in UTC.

The rules, as SP4N-LAPOR! counts them:

- Deadline. A step given `n` working days that starts at `start` ends at the end
  (23:59:59 local) of the n-th working day after the day of `start`: the day of
  receipt never counts, whatever the hour. Received Friday 15:00 with 3 days, the
  deadline is Wednesday 23:59:59 (Monday, Tuesday, Wednesday); received on
  Saturday, the same.
- Time. A step's time is working time: the hours of its working days. Its n days
  are n × 24 working hours, from midnight after the day of `start`; a weekend or a
  holiday inside the step uses none of it, so a step across Lebaran is not at risk
  before its first working day has begun.
- Status. `terlambat` (breached) once the clock is past the deadline; `berisiko`
  (at risk) when less than a quarter of the step's working time is left (exactly a
  quarter left is still `tepat`); `tepat` otherwise.

The hourly escalation job checks many complaints: build one `Calendar.for_years(...)`
(one query for the cuti bersama) and ask it. The module functions build a fresh one
per call, for a single question.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CollectiveLeave

DAY = timedelta(days=1)


class SlaStatus(models.TextChoices):
    ON_TIME = "tepat", _("Tepat waktu")
    AT_RISK = "berisiko", _("Berisiko")
    BREACHED = "terlambat", _("Terlambat")


@cache
def national_holidays(year: int) -> frozenset[date]:
    """Indonesia's national holidays of one year; the package's data does not change."""
    return frozenset(holidays.Indonesia(years=year))


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("a naive datetime: the SLA clock needs a timezone-aware moment")
    # The site's zone, never a zone a request may have activated: a deadline is the same
    # moment for everyone.
    return timezone.localtime(moment, timezone.get_default_timezone())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class Calendar:
    """The days off of some years, read once; a year asked for later is read when needed."""

    def __init__(self):
        self._leave: dict[int, frozenset[date]] = {}

    @classmethod
    def for_years(cls, years: Iterable[int]) -> "Calendar":
        calendar = cls()
        calendar._load(set(years))
        return calendar

    def _load(self, years: set[int]) -> None:
        days = CollectiveLeave.objects.filter(date__year__in=years).values_list("date", flat=True)
        by_year: dict[int, set[date]] = {year: set() for year in years}
        for day in days:
            by_year[day.year].add(day)
        self._leave.update({year: frozenset(found) for year, found in by_year.items()})

    def collective_leave(self, year: int) -> frozenset[date]:
        if year not in self._leave:
            self._load({year})
        return self._leave[year]

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in national_holidays(day.year)
            and day not in self.collective_leave(day.year)
        )

    def working_day_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n ≥ 1); `day` itself never counts."""
        if n < 1:
            raise ValueError("a step lasts at least one working day")
        while n:
            day += DAY
            n -= self.is_working_day(day)
        return day

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The deadline: the end (23:59:59 local) of the n-th working day after `start`'s day."""
        last = self.working_day_after(_local(start).date(), n)
        return _midnight(last + DAY) - timedelta(seconds=1)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """The working days after `start`'s day up to `end`'s day, both local: how many
        days a step begun at `start` and ended at `end` took, as its deadline counts them
        (`end` ≤ add_working_days(start, n) exactly when this is at most n). Ended on the
        day it began, or before the next working day began: 0."""
        day, last = _local(start).date(), _local(end).date()
        days = 0
        while day < last:
            day += DAY
            days += self.is_working_day(day)
        return days

    def working_time(self, since: datetime, until: datetime) -> timedelta:
        """The time between two moments that falls on working days (local time)."""
        since, until = _local(since), _local(until)
        total = timedelta()
        if until <= since:
            return total
        day = since.date()
        while day <= until.date():
            if self.is_working_day(day):
                total += min(until, _midnight(day + DAY)) - max(since, _midnight(day))
            day += DAY
        return total

    def time_left(self, start: datetime, n: int, now: datetime) -> timedelta:
        """The working time left to a step of n working days begun at `start`."""
        ends = self.add_working_days(start, n) + timedelta(seconds=1)
        if now >= ends:
            return timedelta()
        return self.working_time(max(now, _midnight(_local(start).date() + DAY)), ends)

    def status(self, start: datetime, n: int, now: datetime) -> SlaStatus:
        """`tepat`, `berisiko` or `terlambat` for a step of n working days, at `now`."""
        if _local(now) > self.add_working_days(start, n):
            return SlaStatus.BREACHED
        if self.time_left(start, n, now) * 4 < n * DAY:
            return SlaStatus.AT_RISK
        return SlaStatus.ON_TIME


def is_working_day(day: date) -> bool:
    return Calendar().is_working_day(day)


def add_working_days(start: datetime, n: int) -> datetime:
    return Calendar().add_working_days(start, n)


def sla_status(start: datetime, n: int, now: datetime) -> SlaStatus:
    return Calendar().status(start, n, now)
