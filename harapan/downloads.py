"""The CSV and XLSX downloads of the list pages: one mechanism every list opts into.

A list page declares its `Table` (the columns it shows, as labels and values, never codes) and,
at the top of its view, hands its filtered and scoped rows to `serve`:

    if response := downloads.serve(request, COMPLAINTS, complaints, form):
        return response

`?unduh=csv` or `?unduh=xlsx` on the page's own address (with the page's filters, which the
links keep) then answers with every matching row, not one page of them: the same queryset,
the same scope (the view has already read it through accounts/scoping.py), the same order.
So a download needs no URL, no access rule and no filter code of its own: whoever sees the
page downloads what it lists, and nobody else. `download_links.html` shows the two links;
`tests/test_downloads.py` fails on a list page without it.

What the files say about themselves (the export header):
- the XLSX has the `keterangan` sheet (`exports.workbook_response`): the list, its scope, its
  filters, how many rows, when it was made and by whom;
- the CSV is the table alone, its column header on the first line, so that Excel opens it as a
  table and scripts read it like the command CSVs of DESIGN §12 (which keep their own exact
  headers: they never pass here). Who made it and when travel in the file name
  (`pengaduan-20261202-1405-budi.csv`) and, with the filters, in the audit row.
Both are written through harapan/exports.py (neutralised formulas, numbers as numbers), and
every download writes one audit row: who, which list, which format, its filters, its rows.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify

from harapan import exports, paging
from harapan.display import formats
from harapan.registry.naming import family_label, name_families
from harapan.reporting import scope_heading

FORMAT = "unduh"
CSV, XLSX = "csv", "xlsx"
ACTION = "lists.table.export"
CHUNK = 2000  # rows named at a time: a few queries per chunk, never one per row


@dataclass(frozen=True)
class Column:
    label: str  # the column's header, as the page's <th> says it
    value: Callable  # the cell of one row: a text, a number or a date, never a code


@dataclass(frozen=True)
class Table:
    """A list page's table, as its downloads write it."""

    name: str  # the file's name and the sheet's: "pengaduan"
    title: str  # the list's name on the `keterangan` sheet: "Kelola pengaduan"
    columns: tuple[Column, ...]
    # Names a chunk of rows as the page names its page (desa, families, SLA), so that the
    # download reads what the page shows without a query per row: in place, or returning the
    # rows to write instead.
    prepare: Callable[[list], None] | None = None

    @property
    def header(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def lines(self, rows: Iterable) -> Iterator[list]:
        for chunk in chunked(rows, CHUNK):
            if self.prepare and (prepared := self.prepare(chunk)) is not None:
                chunk = prepared
            for row in chunk:
                yield [_plain(column.value(row)) for column in self.columns]


def run_file(run) -> Path:
    """Where the background task of a large export (`run`) writes its file."""
    return Path(settings.HARAPAN_EXPORT_DIR) / f"run-{run.pk}.xlsx"


def family_of(row) -> str:
    """The family of a row (`row.family`, named by `name_families_of`), as plain text."""
    return family_label(row.family) if row.family_id else ""


def named_families(rows: list) -> None:
    """A `prepare` naming the family of each row, as the lists name theirs."""
    name_families(row.family for row in rows if row.family_id)


def chunked(rows: Iterable, size: int) -> Iterator[list]:
    """`rows` as lists of at most `size`; a queryset is read `size` rows at a time."""
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=size)
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _plain(value):
    """A cell as the exports write it: a lazy translation as its text, None as empty, a moment
    in local time (a spreadsheet has no time zones)."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # a spreadsheet's own date
    return value


def requested(request: HttpRequest) -> str | None:
    """The format `?unduh=` asks for, None on a plain page view."""
    kind = request.GET.get(FORMAT)
    return kind if kind in (CSV, XLSX) else None


def links(request: HttpRequest, path: str = "") -> dict[str, str]:
    """The two download links of the list at `request` (or of `path`, for a list whose
    downloads live elsewhere), with its filters and without its page position."""
    return {
        kind: f"{path}?{paging.query_with(request.GET, **{FORMAT: kind})}" for kind in (CSV, XLSX)
    }


def form_notes(form: forms.Form | None) -> list[list]:
    """The filled filters of a valid `form`, as `[label, value]` lines: labels, not codes."""
    if form is None or not form.is_bound or not form.is_valid():
        return []
    notes = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False) or name == FORMAT:
            continue
        notes.append([str(field.label or name), _shown(field, value)])
    return notes


def _shown(field: forms.Field, value) -> str:
    if value is True:
        return formats.yes_no(True)
    choices = dict(getattr(field, "choices", None) or ())
    if not isinstance(field, forms.ModelChoiceField) and str(value) in map(str, choices):
        return str({str(k): v for k, v in choices.items()}[str(value)])
    if hasattr(value, "isoformat"):
        return formats.day(value)
    return str(value)


def stamp(user) -> str:
    """`20261202-1405-budi`: when and by whom, for a download's file name."""
    return f"{timezone.localtime():%Y%m%d-%H%M}-{slugify(user.get_username())}"


def serve(request: HttpRequest, table: Table, rows: Iterable, form=None,
          notes: list[list] | None = None) -> HttpResponse | None:  # fmt: skip
    """The download `?unduh=` asks for, of every row of `rows`; None on a plain page view.

    `rows` are the page's rows before paging: filtered by `form`, scoped, ordered. `notes`
    are filters the form does not hold, or holds in a shape of its own (a month, a stage), as
    `[label, value]` lines; they replace the form's line of the same label.
    """
    kind = requested(request)
    if kind is None:
        return None
    notes = [[str(label), value] for label, value in notes or []]
    filters = [*notes, *(n for n in form_notes(form) if n[0] not in {m[0] for m in notes})]
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    lines = chain([table.header], table.lines(rows))
    return respond(request, kind, table.name, table.title, lines, count, filters)


def respond(request: HttpRequest, kind: str, name: str, title: str, lines: Iterable[list],
            count: int, filters: list[list], **details) -> HttpResponse:  # fmt: skip
    """The `kind` file of `lines` (header first; `count` rows after it), and its audit row
    (`details` added to it: `full_nik=True` for a file with full NIKs).

    The CSV streams; the XLSX is written by openpyxl's write-only workbook, row by row.
    """
    user = request.user
    # Written before the file: a download cut short was still handed out.
    exports.audit_export(
        user,
        ACTION,
        daftar=name,
        format=kind,
        rows=count,
        filters={str(label): str(value) for label, value in filters},
        **details,
    )
    filename = f"{name}-{stamp(user)}.{kind}"
    if kind == CSV:
        return exports.streaming_csv_response(filename, lines)
    about = [
        ["daftar", str(title)],
        ["cakupan", scope_heading(user)],
        *filters,
        ["jumlah baris", count],
    ]
    return exports.xlsx_response(filename, name[:31], lines, about, user)
