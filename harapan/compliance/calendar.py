"""Months and stages as verification sees them (DESIGN §4, §5).

A month is stored as its first day. Stages are the calendar quarters
(I Jan–Mar … IV Oct–Dec); stage k is paid on the verification of the three
months before its period, so stage I of year Y looks at Oct–Dec of Y−1.
A stage is also an ordinal, year × 4 + stage, as `Sanction.stage_ordinal`.
"""

import re
from datetime import date

WINDOW_MONTHS = 3
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date:
    """`YYYY-MM` → the month's first day; ValueError with an Indonesian message."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"Bulan '{text}' tidak valid: tulis sebagai TTTT-BB, mis. 2026-03.")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def stage_start(year: int, stage: int) -> date:
    return date(year, 3 * (stage - 1) + 1, 1)


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
