"""Stream the rows of a registry file, CSV (UTF-8) or XLSX (first sheet).

Rows come out as lists of strings in the order of `COLUMNS`, with the sheet
or file row number (the header is row 1). Nothing is held in memory beyond
the current row, so a kabupaten-sized file reads in flat memory.
"""

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

COLUMNS = (
    "id_keluarga", "no_kk", "kode_desa", "alamat", "nik", "nama", "jenis_kelamin",
    "tanggal_lahir", "hubungan_keluarga", "hamil", "jenjang_pendidikan", "disabilitas_berat",
    "status_hidup", "bank", "no_kks", "desil", "pendamping",
)  # fmt: skip
REQUIRED = ("id_keluarga", "no_kk", "kode_desa", "nik", "nama", "jenis_kelamin",
            "tanggal_lahir", "hubungan_keluarga")  # fmt: skip


# Excel keeps 15 significant digits: a NIK or No KK typed into a number cell
# has already lost its 16th digit, so such a cell is marked for the validator.
NUMBER_CELL = "#bilangan:"
TEXT_ONLY = ("nik", "no_kk", "no_kks")


class FileProblem(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


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


def _positions(header: list, columns=COLUMNS, required=REQUIRED, missing_also=None):
    """Where each of `columns` stands in the header; FileProblem naming what is missing.

    `missing_also(names)` may add missing-column messages of its own (e.g.
    "one of two columns").
    """
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


def _project(row: list, positions: list[int | None]) -> list[str]:
    width = len(row)
    values = []
    for column, p in zip(COLUMNS, positions, strict=True):
        value = row[p] if p is not None and p < width else None
        if column in TEXT_ONLY and isinstance(value, int | float) and not isinstance(value, bool):
            values.append(f"{NUMBER_CELL}{value}")
        else:
            values.append(_cell(value).strip())
    return values


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
    else:
        yield from read_csv(path)


def read_csv(path: Path, columns=COLUMNS, required=REQUIRED, missing_also=None):
    """(row number, values in the order of `columns`) for each non-blank row of a CSV.

    UTF-8 (a BOM is fine), `,` or `;` as Excel writes it, header names in any
    case and order, unknown columns ignored. Shared by every CSV import.
    """
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
            for number, row in enumerate(reader, start=2):
                if in_order and len(row) >= width:
                    # The common case (our own export order): no reshuffling.
                    values = [cell.strip() for cell in row[:width]]
                else:
                    values = [
                        (row[p].strip() if p is not None and p < len(row) else "")
                        for p in positions
                    ]
                if any(values):
                    yield number, values
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "Berkas bukan teks UTF-8. Simpan ulang sebagai 'CSV UTF-8' dari Excel."
        ) from exc


def _read_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
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
        positions = _positions(list(header))
        for number, row in enumerate(rows, start=2):
            if not row or all(v is None or str(v).strip() == "" for v in row):
                continue
            yield number, _project(list(row), positions)
    finally:
        workbook.close()
