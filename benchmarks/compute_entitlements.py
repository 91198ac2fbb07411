"""Entitlement computation time against one full scan of the members table.

For each size, a fresh database (a new SQLite file, or the PostgreSQL named
by DATABASE_URL, emptied first) is filled through the real registry import
with families generated across Lampung, then:
1. scan: one full scan of registry_member (an aggregate over every row that
   no index can answer), the baseline;
2. compute: `compute_entitlements` for stage III 2026 over the whole country.
The ratio compute/scan should stay small (target: within 5×) and the time
per family should stay flat as the size grows (linear).

    .venv/bin/python benchmarks/compute_entitlements.py [--families 100000 1000000]
    scripts/with-postgres .venv/bin/python benchmarks/compute_entitlements.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402


def worker(families: int, seed: int) -> dict:
    from django.db import connection

    from harapan.benefits.batch import compute_entitlements
    from harapan.benefits.models import Stage
    from harapan.registry.importing.engine import import_registry

    result = import_registry(registry_file(families, seed))
    assert result.imported, result.summary()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        cursor.execute("SELECT COUNT(*), SUM(LENGTH(name)), MAX(birth_date) FROM registry_member")
        members = cursor.fetchone()[0]
        scan_seconds = time.perf_counter() - started
    stage = Stage.objects.select_related("year").get(year_id=2026, number=3)
    started = time.perf_counter()
    computed = compute_entitlements(stage)
    compute_seconds = time.perf_counter() - started
    return {
        "database": connection.vendor,
        "families": families,
        "members": members,
        "paid_families": computed.paid_families,
        "scan_seconds": round(scan_seconds, 3),
        "compute_seconds": round(compute_seconds, 2),
        "ratio_compute_to_scan": round(compute_seconds / scan_seconds, 2),
        "microseconds_per_family": round(compute_seconds / families * 1e6, 1),
    }


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [100_000, 1_000_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("members", "{members:,}"),
        ("full scan", "{scan_seconds} s"), ("compute", "{compute_seconds} s"),
        ("ratio", "{ratio_compute_to_scan}"), ("µs per family", "{microseconds_per_family}"),
    ])  # fmt: skip
