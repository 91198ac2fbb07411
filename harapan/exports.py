"""The one path by which the app writes a spreadsheet file: every CSV and XLSX download, the
`baris,kolom,nilai,pesan` error files of the imports, and the files the commands write.

No module outside this one opens a csv writer or an openpyxl Workbook
(`harapan/tests/test_exports.py` greps the source for it), so every file gets the same three
things:

- a text a spreadsheet would read as a formula (one starting with `=`, `+`, `-`, `@`, a tab or
  a carriage return: OWASP's CSV-injection rule) is neutralised: in a CSV it gets a leading
  single quote, in an XLSX it is written as a text cell (never `<f>`) with the quote prefix, so
  it stays text even once edited. Numbers stay numbers, negative ones included; only texts are
  touched.
- the export header: an XLSX carries who made it, when, and its filters on the `keterangan`
  sheet. A CSV keeps the exact header row of its contract (DESIGN §12: importers and scripts
  read it), so its who, when and filters travel in the audit row and the file name.
- the audit row (`audit_export`).

CSV downloads are UTF-8 with a BOM, so that Excel opens them with their accents intact.
"""

import csv
import io
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from harapan.audit import trail
from harapan.display import formats
from harapan.lib.tabular import ERROR_HEADER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A text starting with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet could read `value` as a formula: a text with a formula start.

    A lone "-" is one too: the rule is kept without exceptions, so no reader has to know them.
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(value):
    """`value` as a CSV cell may hold it: a formula-like text gets a leading `'`."""
    return f"'{value}" if is_formula_like(value) else value


class _SafeWriter:
    """A csv writer whose every cell goes through `neutralised`."""

    def __init__(self, handle):
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable):
        return self._writer.writerow([neutralised(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle) -> _SafeWriter:
    """A csv writer onto an open text file (newline="") whose cells are neutralised."""
    return _SafeWriter(handle)


def write_csv(path: Path | str, header: list[str], rows: Iterable[Iterable]) -> int:
    """The file at `path`: `header`, then `rows`; the number of rows written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_errors(path: Path | str, rows) -> None:
    """The `baris,kolom,nilai,pesan` CSV of an import's errors (DESIGN §12)."""
    write_csv(path, ERROR_HEADER, rows)


def stream_errors(path: Path | str | None, batches: Iterable[list], keep: int) -> list[list]:
    """Every error row of `batches` to the error file at `path`, when there is one; the first
    `keep` rows back, as they came (for the run's pages)."""
    kept: list[list] = []
    handle = open(path, "w", encoding="utf-8", newline="") if path else None
    try:
        writer = csv_writer(handle) if handle else None
        if writer:
            writer.writerow(ERROR_HEADER)
        for batch in batches:
            kept.extend(list(row) for row in batch[: max(0, keep - len(kept))])
            if writer:
                writer.writerows(batch)
            elif len(kept) >= keep:
                break
    finally:
        if handle:
            handle.close()
    return kept


def fetched(cursor, size: int = 5000) -> Iterable[list]:
    """The rows of an executed `cursor`, `size` at a time."""
    while batch := cursor.fetchmany(size):
        yield batch


def stored_error_text(rows: Iterable[Iterable]) -> str:
    """The `baris,kolom,nilai,pesan` text an import run keeps in the database.

    It holds the values as they came, for the pages to show; it is never sent as it is: the
    download reads it back (`error_lines`) and writes it through `error_csv_response`.
    """
    writer = csv.writer(_Line())
    return "".join(writer.writerow(row) for row in chain([ERROR_HEADER], rows))


def error_lines(text: str) -> Iterable[list[str]]:
    """The lines of a stored `baris,kolom,nilai,pesan` text, its header left out."""
    rows = csv.reader(io.StringIO(text))
    next(rows, None)
    return rows


def csv_response(filename: str):
    """An attachment response and a (neutralising) csv writer onto it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv_writer(response)


class _Line:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, text: str) -> str:
        return text


def streaming_csv_response(filename: str, *parts: Iterable[list]) -> StreamingHttpResponse:
    """An attachment written as the rows of `parts` come, for lists too long to hold at once."""
    writer = csv_writer(_Line())
    lines = (writer.writerow(row) for row in chain(*parts))
    response = StreamingHttpResponse(
        chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def error_csv_response(lines: Iterable, filename: str) -> HttpResponse:
    """The `baris,kolom,nilai,pesan` file of an import's errors (DESIGN §12)."""
    response, writer = csv_response(filename)
    writer.writerow(ERROR_HEADER)
    writer.writerows(lines)
    return response


def _cell(sheet, value):
    """`value` as a cell; a text that looks like a formula stays text, even once edited."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.quotePrefix = True  # and Excel would parse it again when the cell is edited
    return cell


def workbook_response(filename: str, sheets: list[tuple[str, Iterable[list]]], about: list[list],
                      user) -> HttpResponse:  # fmt: skip
    """A workbook of `sheets` (name, lines with the header first) and a `keterangan` sheet
    saying what it holds (`about`: its filters), when it was made and by whom.

    `about` is read after the sheets are written, so a generator in it may say how many rows
    a streamed sheet held (`Counted.count`).

    Every text that a spreadsheet would read as a formula is written as text.
    """
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_workbook(response, sheets, about, user)
    return response


def write_workbook(target, sheets: list[tuple[str, Iterable[list]]], about: Iterable[list],
                   user) -> None:  # fmt: skip
    """The workbook of `workbook_response` onto `target` (a path or a file-like object).

    openpyxl's write-only mode: each row goes to a temporary file as it comes, so a sheet of
    a million rows is never held as cells.
    """
    workbook = Workbook(write_only=True)
    made = [["dibuat", formats.moment(timezone.now())], ["oleh", user.get_username()]]
    notes = chain(about, made)
    for name, rows in [*sheets, ("keterangan", notes)]:
        sheet = workbook.create_sheet(name)
        for line in rows:
            sheet.append([_cell(sheet, value) for value in line])
    workbook.save(target)


def xlsx_response(filename: str, sheet_name: str, lines: Iterable[list], about: list[list],
                  user) -> HttpResponse:  # fmt: skip
    """A workbook of one sheet of `lines` (header first), see `workbook_response`."""
    return workbook_response(filename, [(sheet_name, lines)], about, user)


class Counted:
    """The rows of `rows` as they are written, counted (for the audit row), none held."""

    def __init__(self, header: list, rows: Iterable[list]):
        self.header, self.rows, self.count = header, rows, 0

    def __iter__(self):
        yield self.header
        for row in self.rows:
            self.count += 1
            yield row


def count_line(label: str, counted: Counted) -> Iterable[list]:
    """The `keterangan` line of how many rows a streamed sheet held, read once it is written
    (chain it after a workbook's `about`)."""
    yield [label, counted.count]


def audit_export(user, action: str, target=None, **details) -> None:
    """The audit row of an export: who, when (the row's time), what and its filters."""
    trail.record(user, action, target, region_code=user.region_id or "", details=details)
