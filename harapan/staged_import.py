"""The frame of an all-or-nothing import that stages its rows in SQL (DESIGN §12): the
verification import (compliance/importing.py) and the participations import
(programs/importing.py).

An engine reads and checks its rows (`stage`), checks what spans rows in SQL over
its staging tables, counts and writes; `run` does the rest alike for both: one
transaction, the staging tables dropped whatever happens, every error streamed to
the errors CSV (`baris,kolom,nilai,pesan`), and a refused file, unreadable or with
bad rows, on the audit trail with its reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection, transaction

from harapan import bulk
from harapan.audit import trail
from harapan.exports import fetched, stream_errors, write_errors
from harapan.jobs import changed_regions
from harapan.lib import tabular
from harapan.lib.tabular import FileProblem

ERROR_COLUMNS = ("line", "kolom", "nilai", "pesan")

# (staged values, whether the row's key is usable, [(kolom, nilai, pesan)]) of one row.
Checked = tuple[tuple, bool, list[tuple[str, str, str]]]


@dataclass
class StagedResult:
    """What every staged import reports; an engine's result adds its own figures."""

    rows: int = 0
    errors: int = 0
    error_rows: int = 0
    imported: bool = False
    dry_run: bool = False
    file_problem: str = ""
    # The first error rows [baris, kolom, nilai, pesan], for the upload page.
    error_lines: list[list] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and not self.file_problem

    def summary(self) -> dict:
        data = asdict(self)
        del data["error_lines"]
        return data


def region_of(user) -> str:
    """The region an import works in for `user`: theirs, or '' (all) for none."""
    return (getattr(user, "region_id", None) or "") if user is not None else ""


def run(
    result: StagedResult,
    steps: Callable[[], None],
    *,
    action: str,
    tables: Iterable[str],
    errors: str,
    actor,
    region: str,
    file_name: str,
    errors_out: Path | str | None,
    keep_error_lines: int,
) -> StagedResult:
    """Run `steps` (stage, check, count, write) in one transaction with the staging
    `tables` dropped after, the errors table `errors` ready; then stream the errors.

    A file with errors, or one that cannot be read (FileProblem, raised again after
    the errors file is written), is recorded under `action` as rejected.
    """
    tables = tuple(tables)
    try:
        with transaction.atomic():
            drop_tables(tables)
            bulk.execute(f"CREATE TEMPORARY TABLE {errors} "
                         "(line integer, kolom varchar(40), nilai text, pesan text)")  # fmt: skip
            try:
                steps()
                if result.imported:
                    changed_regions.regions_changed([region])
                _stream_errors(errors, errors_out, result, keep_error_lines)
            finally:
                drop_tables(tables)
    except FileProblem as problem:
        result.file_problem = str(problem)
        result.error_lines = [[1, "", "", str(problem)]]
        if errors_out:
            write_errors(errors_out, result.error_lines)
        record_rejected(actor, action, file_name, str(problem), region, result)
        raise
    if not result.ok and not result.dry_run:
        reason = tabular.errors_reason(result.errors, result.error_rows)
        record_rejected(actor, action, file_name, reason, region, result)
    return result


def record_rejected(actor, action: str, file_name: str, reason: str, region: str, result):
    """A refused file writes nothing, but the attempt itself is on the record."""
    trail.record(actor, action, None, region_code=region,
                 details={"berkas": file_name, "rejected": True, "reason": reason,
                          **result.summary()})  # fmt: skip


def drop_tables(tables: Iterable[str]) -> None:
    for table in tables:
        bulk.execute(f"DROP TABLE IF EXISTS {table}")


def stage(
    rows: Iterable[tabular.Row],
    check: Callable[[list[str]], Checked],
    *,
    table: str,
    columns: tuple[str, ...],
    errors: str,
    result: StagedResult,
    progress: tabular.Progress,
) -> None:
    """Check each of `rows` and stage it in `table` (its `columns`: the line, the staged
    values, keyed), its problems in `errors`; FileProblem for a file without a row."""
    staged_rows = bulk.BulkWriter(table, columns)
    error_rows = bulk.BulkWriter(errors, ERROR_COLUMNS, batch=5000)
    progress(phase=tabular.READING)
    for line, values in rows:
        staged, keyed, problems = check(values)
        staged_rows.add((line, *staged, keyed))
        for column, value, message in problems:
            error_rows.add((line, column, value[:200], message))
        result.rows += 1
        if result.rows % tabular.READ_EVERY == 0:
            progress(read=result.rows)
    staged_rows.flush()
    error_rows.flush()
    progress(read=result.rows)
    if result.rows == 0:
        raise FileProblem("Berkas tidak berisi satu baris data pun")


def count_errors(result: StagedResult, errors: str) -> None:
    result.errors = bulk.scalar(f"SELECT COUNT(*) FROM {errors}")
    result.error_rows = bulk.scalar(f"SELECT COUNT(DISTINCT line) FROM {errors}")


def _stream_errors(errors: str, errors_out, result: StagedResult, keep: int) -> None:
    """Stream every error to `errors_out`; keep the first `keep` on the result."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT line, kolom, nilai, pesan FROM {errors} "
                       "ORDER BY line, kolom, pesan")  # fmt: skip
        room = keep - len(result.error_lines)
        result.error_lines.extend(stream_errors(errors_out, fetched(cursor), room))
