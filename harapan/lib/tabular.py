"""The one reader of import files, and the one set of date formats, for every import.

Every import (registry, verification, disbursement, schools and health
facilities…) reads its file here: UTF-8 CSV (`,` or `;` as Excel writes it,
a BOM is fine) or an XLSX workbook's first sheet, with a header row whose
names may come in any case and order, unknown columns ignored (DESIGN §12).
Rows come out as lists of strings in the order of the import's columns, with
the file or sheet row number (the header is row 1). Nothing is held in memory
beyond the current row, so a kabupaten-sized file reads in flat memory.

Dates are read in the formats of the registry contract: `YYYY-MM-DD`,
`DD-MM-YYYY` or `DD/MM/YYYY` (a date cell of a workbook arrives as
`YYYY-MM-DD`).
"""

import calendar
import codecs
import csv
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext_noop

from harapan.display.formats import number

ERROR_HEADER = ["baris", "kolom", "nilai", "pesan"]
SUFFIXES = (".csv", ".xlsx")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

# Excel keeps 15 significant digits: a NIK, No KK or KKS number typed into a
# number cell has already lost its 16th digit, so such a cell is marked for
# the import's validator (`number_cell_message`).
NUMBER_CELL = "#bilangan:"

DATE_FORMATS = "YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY"
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})[-/]([0-9]{1,2})[-/]([0-9]{4})")

Row = tuple[int, list[str]]


class FileProblem(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


# -- progress ------------------------------------------------------------------------------

# How an import tells how far it is (a run's page, a command's bar): a callable
# taking any of read=, checked=, written= (row counts) and phase= (a short
# Indonesian text). It is called every READ_EVERY rows while reading and once
# per step after, never once per row.
Progress = Callable[..., None]
READ_EVERY = 5000
# Stored as they are and translated on the page (`{% translate run.phase %}`).
READING = gettext_noop("Membaca dan memeriksa baris berkas")
MATCHING = gettext_noop("Mencocokkan dengan data yang ada")
WRITING = gettext_noop("Menyimpan")


def no_progress(**_counts) -> None:
    """The progress of an import nobody follows."""


# -- dates ---------------------------------------------------------------------------------


def read_date(text: str, label: str = "Tanggal") -> tuple[date | None, str]:
    """(the date, '') or (None, why not) for a date cell of an import file.

    A text in none of the formats is blamed on the format; one in a right
    format that names no day of the calendar (2010-02-30) says so instead.
    """
    found = _ISO.fullmatch(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
    elif found := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    else:
        return None, f"{label} harus ditulis {DATE_FORMATS}"
    if year < 1:
        return None, f"{label} {text} tidak ada: tahun {year} tidak ada"
    if not 1 <= month <= 12:
        return None, f"{label} {text} tidak ada: bulan {month} tidak ada (bulan ditulis 1–12)"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return None, (
            f"{label} {text} tidak ada di kalender: bulan {month} tahun {year} "
            f"hanya sampai tanggal {last}"
        )
    return date(year, month, day), ""


def number_cell_message(label: str) -> str:
    return (f"{label} tersimpan sebagai bilangan di Excel sehingga angka terakhirnya hilang; "
            "format kolom sebagai Teks lalu isi ulang")  # fmt: skip


# -- what a file may be, checked before it is parsed ---------------------------------------

MB = 1024 * 1024
# An XLSX is a zip of XML parts; these two are in every workbook Excel or LibreOffice writes.
OOXML_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# `<dimension ref="A1:T200000"/>` opens a sheet's XML (after its properties): the
# rows the sheet declares, read without parsing the sheet.
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*[0-9]*:?[A-Z]*([0-9]+)\"")
SHEET_HEAD = 64 * 1024
# A ratio under this size is no threat, and a tiny sheet of blanks compresses very well.
RATIO_FLOOR = 1 * MB


@dataclass(frozen=True)
class Limits:
    """How big an import file may be; the settings HARAPAN_UPLOAD_MAX_* (settings.py)."""

    megabytes: int
    unpacked_megabytes: int
    rows: int
    zip_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        from django.conf import settings

        return cls(
            megabytes=settings.HARAPAN_UPLOAD_MAX_MB,
            unpacked_megabytes=settings.HARAPAN_UPLOAD_MAX_UNPACKED_MB,
            rows=settings.HARAPAN_UPLOAD_MAX_ROWS,
            zip_ratio=settings.HARAPAN_UPLOAD_MAX_ZIP_RATIO,
        )


def check_file(path: Path | str, limits: Limits | None = None) -> None:
    """FileProblem unless the file on disk is within the size cap and is what its name says."""
    path = Path(path)
    limits = limits or Limits.from_settings()
    size = path.stat().st_size
    if size > limits.megabytes * MB:
        raise FileProblem(
            f"Berkas terlalu besar ({number(size / MB, 1)} MB); batasnya "
            f"{number(limits.megabytes)} MB (HARAPAN_UPLOAD_MAX_MB). Bagi berkas per kecamatan."
        )
    with open(path, "rb") as handle:
        check_content(handle, path.suffix.lower(), limits)


def check_content(handle: BinaryIO, suffix: str, limits: Limits | None = None) -> None:
    """FileProblem unless the file's bytes are what its suffix says, without parsing it.

    A CSV is UTF-8 text with no NUL byte. An XLSX is a zip holding the parts
    of a workbook, whose parts unpack to no more than the limit, none of them
    swelling more than `zip_ratio` times (a zip bomb does, by hundreds), and
    whose sheets declare no more rows than the limit: all read from the zip's
    directory and the first bytes of each sheet, so a bomb is refused in
    milliseconds instead of minutes of parsing. The handle is left at its start.
    """
    limits = limits or Limits.from_settings()
    try:
        if suffix in XLSX_SUFFIXES:
            _check_workbook(handle, limits)
        else:
            _check_text(handle)
    finally:
        handle.seek(0)


def _check_text(handle: BinaryIO) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    while chunk := handle.read(MB):
        if first and chunk.startswith(b"PK\x03\x04"):
            raise FileProblem(
                "Berkas ini buku kerja Excel atau arsip zip yang diberi akhiran .csv; "
                "unggah dengan akhiran .xlsx, atau simpan ulang sebagai 'CSV UTF-8'."
            )
        first = False
        if b"\x00" in chunk:
            raise FileProblem(
                "Berkas .csv ini bukan teks: isinya data biner (mungkin berkas lain yang "
                "diganti namanya). Simpan ulang dari Excel sebagai 'CSV UTF-8'."
            )
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise FileProblem(NOT_UTF8) from exc
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise FileProblem(NOT_UTF8) from exc


NOT_UTF8 = (
    "Berkas bukan teks UTF-8. Simpan ulang sebagai 'CSV UTF-8' dari Excel, atau unggah "
    "sebagai .xlsx."
)
NOT_WORKBOOK = (
    "Berkas ini bukan buku kerja Excel .xlsx (mungkin berkas lain yang diganti namanya). "
    "Simpan ulang dari Excel sebagai 'Buku Kerja Excel (.xlsx)', atau sebagai 'CSV UTF-8'."
)


def _check_workbook(handle: BinaryIO, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(NOT_WORKBOOK) from exc
    with archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if not all(name in names for name in OOXML_PARTS):
            raise FileProblem(NOT_WORKBOOK)
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.unpacked_megabytes * MB:
            raise FileProblem(
                f"Isi berkas XLSX ini {number(unpacked / MB)} MB setelah dibuka; batasnya "
                f"{number(limits.unpacked_megabytes)} MB. Bagi berkas per kecamatan, atau "
                "unggah sebagai 'CSV UTF-8'."
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_FLOOR and ratio > limits.zip_ratio:
                raise FileProblem(
                    f"Berkas XLSX ini ditolak: bagian {part.filename} mengembang "
                    f"{number(ratio)} kali saat dibuka (batasnya {number(limits.zip_ratio)} "
                    "kali), ciri bom zip. Simpan ulang dari Excel, atau unggah sebagai "
                    "'CSV UTF-8'."
                )
        for part in parts:
            if _SHEET_PART.fullmatch(part.filename):
                _check_declared_rows(archive, part, limits)


def _check_declared_rows(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits) -> None:
    try:
        with archive.open(part) as sheet:
            head = sheet.read(SHEET_HEAD)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise FileProblem(NOT_WORKBOOK) from exc
    if found := _DIMENSION.search(head):
        rows = int(found.group(1))
        if rows > limits.rows + 1:  # the header row is not a data row
            raise too_many_rows(limits, found=rows - 1)


def too_many_rows(limits: Limits, found: int | None = None) -> FileProblem:
    counted = f" ({number(found)} baris)" if found else ""
    return FileProblem(
        f"Berkas berisi lebih dari {number(limits.rows)} baris data{counted}, batasnya. "
        "Bagi berkas per kecamatan."
    )


# -- files ---------------------------------------------------------------------------------


def read_table(
    path: Path | str,
    columns: Sequence[str],
    required: Sequence[str],
    *,
    missing_also: Callable[[list[str]], list[str]] | None = None,
    text_only: Sequence[str] = (),
    limits: Limits | None = None,
) -> Iterator[Row]:
    """(row number, values in the order of `columns`) for each non-blank row of the file.

    An `.xlsx` or `.xlsm` file is read as a workbook, anything else as CSV.
    `missing_also(names)` may add missing-column messages of its own (e.g.
    "one of two columns"); a number cell in a `text_only` column is marked
    with NUMBER_CELL. Raises FileProblem when the file cannot be read, at once
    when it is over the limits or not what its name says (`check_file`), so
    every import, on a page or the command line, refuses the same files.
    """
    path = Path(path)
    limits = limits or Limits.from_settings()
    check_file(path, limits)
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, columns, required, missing_also, text_only, limits)
    return _read_csv(path, columns, required, missing_also, limits)


def _positions(header: list, columns, required, missing_also) -> list[int | None]:
    """Where each of `columns` stands in the header; FileProblem naming what is missing."""
    names = [str(h or "").strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing_also:
        missing = missing_also(names) + missing
    if missing:
        raise FileProblem(
            "Kolom wajib tidak ada di baris judul: " + ", ".join(missing)
            + ". Kolom yang ditemukan: " + ", ".join(n for n in names if n)
        )  # fmt: skip
    return [names.index(c) if c in names else None for c in columns]


def _read_csv(path: Path, columns, required, missing_also, limits: Limits) -> Iterator[Row]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                raise FileProblem("Berkas kosong: tidak ada baris judul")
            positions = _positions(header, columns, required, missing_also)
            width = len(columns)
            in_order = positions == list(range(width))
            for line, row in enumerate(reader, start=2):
                if line > limits.rows + 1:
                    raise too_many_rows(limits)
                if in_order and len(row) >= width:
                    # The common case (our own export order): no reshuffling.
                    values = [cell.strip() for cell in row[:width]]
                else:
                    values = [
                        (row[p].strip() if p is not None and p < len(row) else "")
                        for p in positions
                    ]
                if any(values):
                    yield line, values
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "Berkas bukan teks UTF-8. Simpan ulang sebagai 'CSV UTF-8' dari Excel, atau unggah "
            "sebagai .xlsx."
        ) from exc


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, columns, required, missing_also, text_only, limits) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a broken file
        raise FileProblem(f"Berkas XLSX tidak dapat dibaca: {exc}") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileProblem("Lembar pertama kosong: tidak ada baris judul")
        positions = _positions(list(header), columns, required, missing_also)
        marked = [column in text_only for column in columns]
        # A sheet may declare no dimension, or a false one: its rows are counted as they come.
        for line, row in enumerate(rows, start=2):
            if line > limits.rows + 1:
                raise too_many_rows(limits)
            if not row or all(v is None or str(v).strip() == "" for v in row):
                continue
            width = len(row)
            values = []
            for p, text_column in zip(positions, marked, strict=True):
                value = row[p] if p is not None and p < width else None
                is_number = isinstance(value, int | float) and not isinstance(value, bool)
                if text_column and is_number:
                    values.append(f"{NUMBER_CELL}{value}")
                else:
                    values.append(_cell(value).strip())
            yield line, values
    finally:
        workbook.close()


def errors_reason(errors: int, error_rows: int) -> str:
    """Why a file with bad rows was refused, for its audit row."""
    return f"{number(errors)} galat pada {number(error_rows)} baris; tidak ada yang diimpor"
