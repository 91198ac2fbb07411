"""Month arithmetic, the one place for it.

`add_months` moves a date by whole months keeping its day (the 31st becomes
the month's last day when the month is shorter). Reports and verification
store a month as its first day: `month_start`, `parse_month` and
`month_label` speak of months that way, and `add_months` keeps a first day a
first day.
"""

import calendar
import re
from datetime import date, timedelta

_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    """The same day `n` months later (or earlier), or the month's last day when it is shorter.

    31 January + 1 month is 28 February (29 in a leap year); 12 months after
    29 February is 28 February.
    """
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_month(text: str) -> date:
    """`YYYY-MM` → the month's first day; ValueError with an Indonesian message."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"Bulan '{text}' tidak valid: tulis sebagai TTTT-BB, mis. 2026-03.")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


# Weeks -------------------------------------------------------------------------------------
# A week is an ISO week, Monday to Sunday, written `YYYY-Www` as an <input type="week"> sends it.

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})")


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """`YYYY-Www` → the week's Monday; ValueError with an Indonesian message."""
    found = _WEEK.fullmatch(text.strip())
    try:
        if not found:
            raise ValueError
        return date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        raise ValueError(
            f"Minggu '{text}' tidak valid: tulis sebagai TTTT-Wmm, mis. 2026-W49."
        ) from None


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"
