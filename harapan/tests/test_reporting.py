from io import BytesIO

from django.test import SimpleTestCase
from openpyxl import load_workbook

from harapan.reporting import xlsx_response


class XlsxResponseTest(SimpleTestCase):
    def test_a_text_that_looks_like_a_formula_is_written_as_text(self):
        texts = ["=1+2", "+62812", "-Rp 5.000", "@SUM(A1)", '=HYPERLINK("http://x","klik")']
        response = xlsx_response(
            "uji.xlsx", "data", [["nilai", "angka"], *[[t, -5] for t in texts]],
            [["catatan", "=cmd|' /C calc'!A0"]],
        )  # fmt: skip
        book = load_workbook(BytesIO(response.content))
        rows = list(book["data"].iter_rows(min_row=2))
        assert [(row[0].value, row[0].data_type, row[0].quotePrefix) for row in rows] == [
            (text, "s", True) for text in texts
        ]
        # Numbers stay numbers, negative ones included.
        assert [(row[1].value, row[1].data_type) for row in rows] == [(-5, "n")] * 5
        note = book["keterangan"]["B1"]
        assert (note.value, note.data_type) == ("=cmd|' /C calc'!A0", "s")

    def test_plain_text_is_written_as_it_is(self):
        response = xlsx_response("uji.xlsx", "data", [["nama"], ["Siti Aminah"]], [])
        cell = load_workbook(BytesIO(response.content))["data"]["A2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("Siti Aminah", "s", False)

    def test_the_notes_say_when_in_the_one_way_of_writing_dates(self):
        from datetime import datetime
        from unittest import mock
        from zoneinfo import ZoneInfo

        from django.utils import translation

        made = datetime(2026, 12, 1, 7, 5, tzinfo=ZoneInfo("Asia/Jakarta"))
        with mock.patch("django.utils.timezone.now", return_value=made):
            with translation.override("id"):
                response = xlsx_response("uji.xlsx", "data", [["nama"]], [])
        notes = load_workbook(BytesIO(response.content))["keterangan"]
        assert [notes["A1"].value, notes["B1"].value] == ["dibuat", "1 Des 2026 07.05"]
