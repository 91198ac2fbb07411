"""The one export path (harapan/exports.py): what it does to a cell, and that nothing bypasses it."""

import re
import tempfile
from io import BytesIO
from pathlib import Path

from django.test import SimpleTestCase
from openpyxl import load_workbook

from harapan.accounts.models import User
from harapan.exports import (
    csv_response,
    error_csv_response,
    neutralised,
    streaming_csv_response,
    write_csv,
    xlsx_response,
)
from harapan.testing import ROOT, csv_rows

MAKER = User(username="operator_uji")


class NeutralisedTest(SimpleTestCase):
    def test_a_text_with_a_formula_start_gets_a_leading_quote(self):
        cases = {
            "=1+1": "'=1+1",
            "+62812": "'+62812",
            "-5": "'-5",
            "@SUM(1+1)": "'@SUM(1+1)",
            "\t=1": "'\t=1",
            "\r=1": "'\r=1",
            '=HYPERLINK("http://x","klik")': '\'=HYPERLINK("http://x","klik")',
            # A lone start character too: the rule has no exceptions to remember.
            "-": "'-",
            "=": "'=",
        }
        assert {text: neutralised(text) for text in cases} == cases

    def test_other_texts_and_every_number_stay_as_they_are(self):
        for value in ["Siti Aminah", "", "a=b", "KPM-1", "'=already", " =space first", -5, 0,
                      2.5, -0.5, None, True]:  # fmt: skip
            assert neutralised(value) == value, value
            assert type(neutralised(value)) is type(value), value


class CsvTest(SimpleTestCase):
    def test_a_download_writes_formula_texts_quoted_and_numbers_bare(self):
        response, writer = csv_response("uji.csv")
        writer.writerow(["nama", "angka"])
        writer.writerows([["=1+2", -5], ["@SUM(1+1)", 7], ["Budi", -1]])
        assert response.content.startswith("\ufeff".encode())
        assert response.content.decode("utf-8-sig") == (
            "nama,angka\r\n'=1+2,-5\r\n'@SUM(1+1),7\r\nBudi,-1\r\n"
        )

    def test_a_streamed_download_too(self):
        response = streaming_csv_response("uji.csv", [["nama"]], iter([["+62812"], ["Ani"]]))
        content = b"".join(response.streaming_content)
        assert csv_rows(content) == [["nama"], ["'+62812"], ["Ani"]]

    def test_the_error_file_keeps_its_contract_header_and_quotes_the_value(self):
        response = error_csv_response([[2, "nik", "=1+1", "NIK harus 16 angka"]], "galat.csv")
        assert csv_rows(response.content) == [
            ["baris", "kolom", "nilai", "pesan"],
            ["2", "nik", "'=1+1", "NIK harus 16 angka"],
        ]

    def test_a_command_file_too(self):
        path = Path(tempfile.mkdtemp()) / "keluar.csv"
        assert write_csv(path, ["kode", "pesan"], [["X", "-cmd"], ["Y", "baik"]]) == 2
        assert path.read_bytes().decode("utf-8") == "kode,pesan\r\nX,'-cmd\r\nY,baik\r\n"


class XlsxResponseTest(SimpleTestCase):
    def test_a_text_that_looks_like_a_formula_is_written_as_text(self):
        texts = ["=1+2", "+62812", "-Rp 5.000", "@SUM(A1)", '=HYPERLINK("http://x","klik")']
        response = xlsx_response(
            "uji.xlsx", "data", [["nilai", "angka"], *[[t, -5] for t in texts]],
            [["catatan", "=cmd|' /C calc'!A0"]], MAKER,
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
        response = xlsx_response("uji.xlsx", "data", [["nama"], ["Siti Aminah"]], [], MAKER)
        cell = load_workbook(BytesIO(response.content))["data"]["A2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("Siti Aminah", "s", False)

    def test_the_notes_say_when_in_the_one_way_of_writing_dates_and_by_whom(self):
        from datetime import datetime
        from unittest import mock
        from zoneinfo import ZoneInfo

        from django.utils import translation

        made = datetime(2026, 12, 1, 7, 5, tzinfo=ZoneInfo("Asia/Jakarta"))
        with mock.patch("django.utils.timezone.now", return_value=made):
            with translation.override("id"):
                response = xlsx_response("uji.xlsx", "data", [["nama"]], [["tahun", 2026]], MAKER)
        notes = load_workbook(BytesIO(response.content))["keterangan"]
        assert list(notes.values) == [
            ("tahun", 2026),
            ("dibuat", "1 Des 2026 07.05"),
            ("oleh", "operator_uji"),
        ]


class NoBypassTest(SimpleTestCase):
    # A csv writer or a workbook opened anywhere else would write cells unneutralised; so would
    # a CSV or XLSX response put together by hand.
    OPENERS = re.compile(
        r"\bcsv\.(writer|DictWriter)\(|from csv import[^\n]*\b(writer|DictWriter)\b|\bWorkbook\("
        r"|openpyxl import Workbook"
        r"|text/csv|spreadsheetml"
    )

    def test_no_module_but_the_export_module_opens_a_csv_writer_or_a_workbook(self):
        app = ROOT / "harapan"
        openers = sorted(
            str(path.relative_to(ROOT))
            for path in app.rglob("*.py")
            # testing.py builds hostile workbooks for the upload tests on purpose.
            if path not in (app / "exports.py", app / "testing.py")
            and "tests" not in path.relative_to(app).parts
            and self.OPENERS.search(path.read_text(encoding="utf-8"))
        )
        assert openers == []

    def test_the_check_would_see_one(self):
        for line in ["writer = csv.writer(handle)", "csv.DictWriter(f, fieldnames=F)",
                     "from csv import writer", "book = Workbook(write_only=True)",
                     "from openpyxl import Workbook", 'HttpResponse(content_type="text/csv")',
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]:  # fmt: skip
            assert self.OPENERS.search(line), line
