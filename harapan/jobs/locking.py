"""One writer at a time for a short check-then-insert (a schedule, a claim).

PostgreSQL: a transaction-scoped advisory lock on a key derived from a name,
so unrelated names do not wait on each other. SQLite: an exclusive
transaction, which takes the database's write lock at BEGIN (SQLite has one
writer anyway).
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django_tasks_db.utils import exclusive_transaction


@contextmanager
def serialized(name: str) -> Iterator[None]:
    # Connect first: opening a SQLite connection resets the EXCLUSIVE mode that
    # exclusive_transaction sets, and a plain BEGIN would fail instead of waiting.
    connection.ensure_connection()
    with exclusive_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
        yield
