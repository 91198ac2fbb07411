"""The dates of every import file (lib.tabular.read_date)."""

import time
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from harapan.lib.tabular import FileProblem, read_date, read_table
from harapan.testing import xlsx_bomb

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


# -- what a file may be, checked before it is parsed (issue 14) ----------------------------


def read_all(path):
    return list(read_table(path, ["nik"], ["nik"]))


def test_a_zip_bomb_is_refused_from_its_directory_in_under_two_seconds(tmp_path):
    # 2 MB on disk that inflate to 600 MB of rows: parsing it took minutes.
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(xlsx_bomb(600))
    started = time.monotonic()
    with pytest.raises(
        FileProblem, match="Isi berkas XLSX ini 600 MB setelah dibuka; batasnya 500 MB"
    ):
        read_all(bomb)
    assert time.monotonic() - started < 2


def test_a_bomb_under_the_unpacked_limit_is_refused_for_how_much_it_swells(tmp_path):
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(xlsx_bomb(40))
    started = time.monotonic()
    with pytest.raises(
        FileProblem, match="bagian xl/worksheets/sheet1.xml mengembang .* ciri bom zip"
    ):
        read_all(bomb)
    assert time.monotonic() - started < 2


def workbook_file(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_a_sheet_that_declares_too_many_rows_is_refused_before_parsing(tmp_path, settings):
    settings.HARAPAN_UPLOAD_MAX_ROWS = 3
    path = workbook_file(tmp_path / "data.xlsx", [["nik"], *([str(n)] for n in range(4))])
    with pytest.raises(FileProblem, match=r"lebih dari 3 baris data \(4 baris\), batasnya"):
        read_all(path)
    # Three data rows under a header are within the limit.
    path = workbook_file(tmp_path / "ok.xlsx", [["nik"], ["1"], ["2"], ["3"]])
    assert [values for _line, values in read_all(path)] == [["1"], ["2"], ["3"]]


def test_rows_beyond_the_limit_are_refused_while_reading_when_no_size_is_declared(tmp_path,
                                                                                  settings):  # fmt: skip
    settings.HARAPAN_UPLOAD_MAX_ROWS = 3
    path = tmp_path / "data.csv"
    path.write_text("nik\n1\n2\n3\n4\n", encoding="utf-8")
    with pytest.raises(FileProblem, match="lebih dari 3 baris data, batasnya"):
        read_all(path)


def test_a_file_over_the_size_cap_is_refused_on_the_command_line_too(tmp_path, settings):
    settings.HARAPAN_UPLOAD_MAX_MB = 1
    path = tmp_path / "besar.csv"
    path.write_bytes(b"nik\n" + b"1\n" * (512 * 1024))
    with pytest.raises(FileProblem, match=r"Berkas terlalu besar \(1,0 MB\); batasnya 1 MB"):
        read_all(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.xlsx", b"%PDF-1.4 a renamed document", "bukan buku kerja Excel .xlsx"),
        ("data.xlsx", b"nik\n1234\n", "bukan buku kerja Excel .xlsx"),
        ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "isinya data biner"),
        ("data.csv", b"nik\n12\x0034\n", "isinya data biner"),
        ("data.csv", "nik,nama\n1,Andr\u00e9\n".encode("latin-1"), "Berkas bukan teks UTF-8"),
    ],
)
def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(tmp_path, name, content,
                                                                   message):  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=message):
        read_all(path)


def test_a_zip_without_the_parts_of_a_workbook_is_not_a_workbook(tmp_path):
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("nik.csv", "nik\n1\n")
    with pytest.raises(FileProblem, match="bukan buku kerja Excel .xlsx"):
        read_all(path)


def test_a_workbook_renamed_to_csv_is_told_to_be_uploaded_as_xlsx(tmp_path):
    path = workbook_file(tmp_path / "data.xlsx", [["nik"], ["1"]])
    renamed = path.rename(tmp_path / "data.csv")
    with pytest.raises(FileProblem, match="diberi akhiran .csv; unggah dengan akhiran .xlsx"):
        read_all(renamed)
