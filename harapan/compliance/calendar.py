"""Months and stages as verification sees them (DESIGN §4, §5).

A month is stored as its first day. Stages are the calendar quarters
(I Jan–Mar … IV Oct–Dec); stage k is paid on the verification of the three
months before its period, so stage I of year Y looks at Oct–Dec of Y−1.
A stage is also an ordinal, year × 4 + stage, as `Sanction.stage_ordinal`.
"""

from datetime import date, timedelta

# Re-exported: verification code speaks of months through this module.
from harapan.lib.months import add_months, month_label, month_start, parse_month

__all__ = [
    "add_months",
    "month_label",
    "month_start",
    "parse_month",
    "stage_start",
    "stage_end",
    "window",
    "ordinal",
    "from_ordinal",
    "stage_decided_by",
    "stage_of",
    "WINDOW_MONTHS",
    "month_to_verify",
]
WINDOW_MONTHS = 3


def month_to_verify(today: date) -> date:
    """The month whose verification is recorded now: the month that has just ended."""
    return add_months(month_start(today), -1)


def stage_start(year: int, stage: int) -> date:
    return date(year, 3 * (stage - 1) + 1, 1)


def stage_end(year: int, stage: int) -> date:
    """The last day of the stage's period."""
    return stage_start(*from_ordinal(ordinal(year, stage) + 1)) - timedelta(days=1)


def window(year: int, stage: int) -> list[date]:
    """The verification months that decide stage `stage` of `year`, oldest first."""
    start = stage_start(year, stage)
    return [add_months(start, n) for n in range(-WINDOW_MONTHS, 0)]


def ordinal(year: int, stage: int) -> int:
    return year * 4 + stage


def from_ordinal(value: int) -> tuple[int, int]:
    return (value - 1) // 4, (value - 1) % 4 + 1


def stage_decided_by(month: date) -> tuple[int, int]:
    """The stage whose window holds `month`: the quarter after the month's own."""
    quarter = (month.month - 1) // 3 + 1
    return from_ordinal(ordinal(month.year, quarter) + 1)


def stage_of(day: date) -> tuple[int, int]:
    """The stage whose period holds `day`."""
    return day.year, (day.month - 1) // 3 + 1
