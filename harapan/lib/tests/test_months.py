from datetime import date

import pytest

from harapan.lib.months import (
    add_months,
    month_start,
    parse_month,
    parse_week,
    week_label,
    week_start,
)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 7, 31), 12, date(2027, 7, 31)),  # twelve months to the day
        (date(2026, 7, 20), 1, date(2026, 8, 20)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to February's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year's February
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year's end
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 1), -13, date(2025, 4, 1)),  # a month's first day stays the first
        (date(2026, 5, 9), 0, date(2026, 5, 9)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, n, expected):
    assert add_months(day, n) == expected


def test_a_month_is_its_first_day():
    assert month_start(date(2026, 2, 28)) == date(2026, 2, 1)
    assert parse_month("2026-3") == date(2026, 3, 1)
    with pytest.raises(ValueError, match="tidak valid"):
        parse_month("2026-13")


def test_a_week_runs_monday_to_sunday_and_is_written_as_an_iso_week():
    # 1 December 2026 is a Tuesday; 3 January 2027 a Sunday of 2026's last ISO week.
    assert week_start(date(2026, 12, 1)) == date(2026, 11, 30)
    assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)
    assert week_label(date(2026, 11, 30)) == "2026-W49"
    assert week_label(week_start(date(2027, 1, 3))) == "2026-W53"
    assert parse_week("2026-W49") == date(2026, 11, 30)
    assert parse_week("2027-W1") == date(2027, 1, 4)


@pytest.mark.parametrize("text", ["2026-W54", "2025-W53", "2026-W00", "2026-49", "minggu ini"])
def test_a_week_that_does_not_exist_is_refused(text):
    with pytest.raises(ValueError, match="tidak valid"):
        parse_week(text)
