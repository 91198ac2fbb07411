"""Set-based SQL shared by the batch jobs: imports, entitlements, reconciliation.

Raw SQL runs through Django's connection, so the same statements serve SQLite
and PostgreSQL; the few places where the two differ are answered here.
"""

from django.db import connection


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
