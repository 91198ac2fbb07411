"""The dates of every import file (lib.tabular.read_date)."""

from datetime import date

import pytest

from harapan.lib.tabular import read_date

FORMATS = "Tanggal harus ditulis YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-02-28", date(2010, 2, 28)),
        ("2024-2-29", date(2024, 2, 29)),  # a leap day
        ("28-02-2010", date(2010, 2, 28)),
        ("8/2/2010", date(2010, 2, 8)),
    ],
)
def test_it_reads_each_accepted_format(text, expected):
    assert read_date(text) == (expected, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2010-02-30", "Tanggal 2010-02-30 tidak ada di kalender: bulan 2 tahun 2010 hanya "
                       "sampai tanggal 28"),
        ("29/02/2023", "Tanggal 29/02/2023 tidak ada di kalender: bulan 2 tahun 2023 hanya "
                       "sampai tanggal 28"),
        ("2010-13-01", "Tanggal 2010-13-01 tidak ada: bulan 13 tidak ada (bulan ditulis 1–12)"),
        ("2010.02.28", FORMATS),
        ("28 Feb 2010", FORMATS),
        ("", FORMATS),
    ],
)  # fmt: skip
def test_an_impossible_date_is_told_apart_from_a_wrong_format(text, message):
    assert read_date(text) == (None, message)
