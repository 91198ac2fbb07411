"""Months as the reports and verification use them: a month is stored as its first day."""

import re
from datetime import date

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
