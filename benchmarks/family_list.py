"""The family list's pages, near and far, and its XLSX export, as the registry grows.

For each size, a fresh database (a new SQLite file, or the PostgreSQL named
by DATABASE_URL, emptied first) is filled through the real registry import
with families generated across Lampung, then, as a national admin (best of three):
1. first: GET /kpm/, the first page;
2. last by number: GET /kpm/?halaman=N, the last page, read with OFFSET;
3. next by cursor: the "Berikutnya" link of the page before the last (keyset);
4. previous by cursor: the "Sebelumnya" link of the last page (keyset);
5. export: GET /kpm/ekspor.xlsx, every family, once.
Keyset pages should cost what the first page costs, whatever the depth: the
ratio of the slower cursor page to the first page is the figure to watch.

    .venv/bin/python benchmarks/family_list.py [--families 20000 100000]
    scripts/with-postgres .venv/bin/python benchmarks/family_list.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402


def _best(get) -> tuple[float, object]:
    times, response = [], None
    for _ in range(3):
        started = time.perf_counter()
        response = get()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return min(times), response


def worker(families: int, seed: int) -> dict:
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import setup_test_environment

    from harapan.registry.importing.engine import import_registry
    from harapan.testing import make_user

    result = import_registry(registry_file(families, seed))
    assert result.imported, result.summary()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    setup_test_environment()  # so that responses carry their template context (the pager)
    client = Client()
    client.force_login(make_user("bench_admin", "admin_pusat"))

    def page(query: str):
        return lambda: client.get("/kpm/", QueryDict(query))

    first_seconds, first = _best(page(""))
    last_number = first.context["pager"].num_pages
    last_seconds, last = _best(page(f"halaman={last_number}"))
    before_last = client.get("/kpm/", {"halaman": last_number - 1})
    next_seconds, _ = _best(page(before_last.context["pager"].next_query))
    previous_seconds, _ = _best(page(last.context["pager"].previous_query))
    started = time.perf_counter()
    export = client.get("/kpm/ekspor.xlsx")
    export_seconds = time.perf_counter() - started
    assert export.status_code == 200, export.status_code
    return {
        "database": connection.vendor,
        "families": first.context["pager"].total,
        "pages": last_number,
        "first_seconds": round(first_seconds, 3),
        "last_by_number_seconds": round(last_seconds, 3),
        "next_by_cursor_seconds": round(next_seconds, 3),
        "previous_by_cursor_seconds": round(previous_seconds, 3),
        "ratio_cursor_to_first": round(max(next_seconds, previous_seconds) / first_seconds, 2),
        "export_seconds": round(export_seconds, 2),
        "export_megabytes": round(len(export.content) / 1e6, 1),
    }


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [20_000, 100_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("pages", "{pages:,}"),
        ("first page", "{first_seconds} s"), ("last page by number", "{last_by_number_seconds} s"),
        ("next by cursor", "{next_by_cursor_seconds} s"),
        ("previous by cursor", "{previous_by_cursor_seconds} s"),
        ("cursor / first", "{ratio_cursor_to_first}"),
        ("export", "{export_seconds} s"), ("export size", "{export_megabytes} MB"),
    ])  # fmt: skip
