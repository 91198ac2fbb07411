"""The natural-exit candidates page and its CSV against one full scan of the members table.

For each size, a fresh database (a new SQLite file, or the PostgreSQL named
by DATABASE_URL, emptied first) is filled through the real registry import
with families generated across Lampung, then, as a national admin:
1. scan: one full scan of registry_member (an aggregate over every row that
   no index can answer), the baseline;
2. page: GET /graduasi/calon/ for 2026-07-01, the first page (best of three);
3. csv: the whole list as the CSV download, read to its end.
The page's ratio to the scan should stay small as the region grows. On
SQLite the database works in this process, so its CPU time (`page cpu`) is
also given: a figure that other work on a shared machine does not inflate.

    .venv/bin/python benchmarks/graduation_candidates.py [--families 20000 100000]
    scripts/with-postgres .venv/bin/python benchmarks/graduation_candidates.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _cpu_timed(action) -> tuple[float, float, object]:
    cpu = time.process_time()
    seconds, result = _timed(action)
    return seconds, time.process_time() - cpu, result


def worker(families: int, seed: int) -> dict:
    from django.db import connection
    from django.test import Client

    from harapan.registry.importing.engine import import_registry
    from harapan.testing import make_user

    result = import_registry(registry_file(families, seed))
    assert result.imported, result.summary()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        scan_seconds, _ = _timed(lambda: cursor.execute(
            "SELECT COUNT(*), SUM(LENGTH(name)), MAX(birth_date) FROM registry_member"
        ))  # fmt: skip
        cursor.execute("SELECT COUNT(*) FROM registry_member")
        members = cursor.fetchone()[0]
    client = Client()
    client.force_login(make_user("bench_admin", "admin_pusat"))
    query = {"tanggal": "2026-07-01"}
    page_seconds, page_cpu = [], []
    for _ in range(3):
        seconds, cpu, response = _cpu_timed(lambda: client.get("/graduasi/calon/", query))
        assert response.status_code == 200, response.status_code
        page_seconds.append(seconds)
        page_cpu.append(cpu)
    csv_seconds, lines = _timed(lambda: _csv_lines(client.get("/graduasi/calon/unduh.csv", query)))
    page = min(page_seconds)
    return {
        "database": connection.vendor,
        "families": families,
        "members": members,
        "candidates": lines - 1,
        "scan_seconds": round(scan_seconds, 3),
        "page_seconds": round(page, 3),
        "page_cpu_seconds": round(min(page_cpu), 3),
        "csv_seconds": round(csv_seconds, 2),
        "ratio_page_to_scan": round(page / scan_seconds, 1),
    }


def _csv_lines(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.count(b"\n")


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [20_000, 100_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("members", "{members:,}"),
        ("candidates", "{candidates:,}"), ("full scan", "{scan_seconds} s"),
        ("page", "{page_seconds} s"), ("page cpu", "{page_cpu_seconds} s"),
        ("csv", "{csv_seconds} s"),
        ("page / scan", "{ratio_page_to_scan}"),
    ])  # fmt: skip
