"""Registry import speed against the raw bulk-insert rate of the same rows.

For each size, a fresh database (a new SQLite file, or the PostgreSQL named
by DATABASE_URL, emptied first) gets the region tree, then:
1. raw: the file's rows, parsed by csv.reader with no checks, go into a bare
   table of text columns through the same bulk path the import uses (COPY on
   PostgreSQL, one-transaction executemany on SQLite);
2. import: `import_registry` on the same file — reading, validation,
   family checks, upsert with indexes and the audit rows included;
3. re-import: the same file again (every row compared, nothing written).
Each size runs in its own process, so its peak memory (max RSS) is its own:
with streaming, the peak should not grow with the file.

    .venv/bin/python benchmarks/import_registry.py [--families 100000 20000] [--seed 1]
    scripts/with-postgres .venv/bin/python benchmarks/import_registry.py
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402


def worker(families: int, seed: int) -> dict:
    import csv

    from django.db import connection, transaction

    from harapan import bulk
    from harapan.registry.importing.engine import import_registry

    data = registry_file(families, seed)
    columns = ("line",) + tuple(f"c{i}" for i in range(16))
    bulk.execute("DROP TABLE IF EXISTS bench_raw")
    bulk.execute(
        "CREATE TABLE bench_raw (line integer, "
        + ", ".join(f"c{i} varchar(255)" for i in range(16)) + ")"
    )  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        writer = bulk.BulkWriter("bench_raw", columns)
        rows = 0
        with open(data, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for number, row in enumerate(reader, start=2):
                writer.add((number, *row))
                rows += 1
        writer.flush()
    raw_seconds = time.perf_counter() - started
    bulk.execute("DROP TABLE bench_raw")

    started = time.perf_counter()
    result = import_registry(data)
    import_seconds = time.perf_counter() - started
    assert result.imported and result.errors == 0, result.summary()
    started = time.perf_counter()
    again = import_registry(data)
    reimport_seconds = time.perf_counter() - started
    assert again.plan.families_new == 0 and again.plan.members_changed == 0
    return {
        "database": connection.vendor,
        "families": families,
        "members": rows,
        "raw_rows_per_s": round(rows / raw_seconds),
        "import_seconds": round(import_seconds, 2),
        "import_members_per_s": round(rows / import_seconds),
        "ratio_import_to_raw": round(raw_seconds / import_seconds, 3),
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_members_per_s": round(rows / reimport_seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [100_000, 20_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("members", "{members:,}"),
        ("raw rows/s", "{raw_rows_per_s:,}"), ("import members/s", "{import_members_per_s:,}"),
        ("ratio", "{ratio_import_to_raw}"), ("re-import members/s", "{reimport_members_per_s:,}"),
        ("peak RSS", "{peak_rss_mb} MB"),
    ])  # fmt: skip
