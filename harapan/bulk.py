"""Set-based SQL shared by the batch jobs: imports, entitlements, reconciliation.

Raw SQL runs through Django's connection, so the same statements serve SQLite
and PostgreSQL; the few places where the two differ are answered here.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def distinct_op() -> str:
    """Null-safe inequality."""
    return "IS DISTINCT FROM" if is_postgres() else "IS NOT"


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def analyze(*tables: str) -> None:
    """Give PostgreSQL's planner the real sizes of tables that just filled.

    PostgreSQL never auto-analyzes temporary tables; without statistics it
    plans 400,000 rows as a handful and picks nested loops. SQLite's
    planner does well on its indexes alone, and its ANALYZE reads them whole.
    """
    if not is_postgres():
        return
    for table in tables:
        execute(f"ANALYZE {table}")


class BulkWriter:
    """Buffered bulk insert into a staging table."""

    def __init__(self, table: str, columns: tuple[str, ...], batch: int = 20000):
        self.table, self.columns, self.batch = table, columns, batch
        self.buffer: list[tuple] = []
        placeholders = ", ".join(["%s"] * len(columns))
        self.insert_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        with connection.cursor() as cursor:
            if is_postgres():
                copy_sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in self.buffer:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, self.buffer)
        self.buffer.clear()


@contextmanager
def reading_to_the_end() -> Iterator[None]:
    """Plan the server-side cursors opened inside (what `QuerySet.iterator()` uses on
    PostgreSQL) for reading every row, not the first tenth.

    PostgreSQL plans a cursor for `cursor_tuple_fraction` (0.1) of its rows, so it picks
    fast-start plans: an index lookup per row where a hash join over the whole table is
    faster for a list read to its end (the 111,767 programme gaps of 100,000 families:
    3.6 s instead of 8.8 s, benchmarks/program_gaps.py). `SET LOCAL` holds for the
    transaction opened here; inside a transaction already open (a savepoint, which does
    not undo a SET LOCAL when released) the value before is put back on the way out.
    Nothing to do on SQLite, which has no planner setting for it.
    """
    if not is_postgres():
        yield
        return
    with transaction.atomic():
        before = scalar("SHOW cursor_tuple_fraction")
        execute("SET LOCAL cursor_tuple_fraction = 1.0")
        try:
            yield
        finally:
            execute("SELECT set_config('cursor_tuple_fraction', %s, true)", [before])
