"""`bulk.reading_to_the_end`: PostgreSQL plans the cursors opened inside it for every row
(cursor_tuple_fraction 1), and only inside it; on SQLite, which has no such setting, it
sends nothing to the database."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from harapan import bulk


def fraction() -> str:
    return bulk.scalar("SHOW cursor_tuple_fraction")


class ReadingToTheEnd(TestCase):
    def test_the_setting_holds_inside_the_block_only(self):
        if connection.vendor != "postgresql":
            with CaptureQueriesContext(connection) as queries, bulk.reading_to_the_end():
                pass
            assert [q["sql"] for q in queries] == []
            return
        assert fraction() == "0.1"  # PostgreSQL's default
        with bulk.reading_to_the_end():
            assert fraction() == "1"
        assert fraction() == "0.1"
