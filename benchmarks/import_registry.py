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

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def worker(families: int, seed: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="harapan-bench-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harapan.settings")
    sys.path.insert(0, str(ROOT))
    import csv

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from harapan.registry.importing import staging
    from harapan.registry.importing.engine import import_registry

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    data = OUT / f"registry-{families}-seed{seed}.csv"
    if not data.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = data.with_suffix(".partial")
        call_command("generate_registry", families=families, region="18", seed=seed,
                     out=str(partial), date=date(2026, 7, 1), verbosity=0)  # fmt: skip
        partial.rename(data)

    columns = ("line",) + tuple(f"c{i}" for i in range(16))
    staging.execute("DROP TABLE IF EXISTS bench_raw")
    staging.execute(
        "CREATE TABLE bench_raw (line integer, "
        + ", ".join(f"c{i} varchar(255)" for i in range(16)) + ")"
    )  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        writer = staging.BulkWriter("bench_raw", columns)
        rows = 0
        with open(data, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for number, row in enumerate(reader, start=2):
                writer.add((number, *row))
                rows += 1
        writer.flush()
    raw_seconds = time.perf_counter() - started
    staging.execute("DROP TABLE bench_raw")

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[100_000, 20_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.families[0], args.seed)))
        return
    results = []
    for families in args.families:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", "--families", str(families),
             "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    vendor = results[0]["database"]
    (OUT / f"import_registry-{vendor}.json").write_text(json.dumps(results, indent=2))
    print("\n| database | families | members | raw rows/s | import members/s | ratio | "
          "re-import members/s | peak RSS |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['database']} | {r['families']:,} | {r['members']:,} | "
              f"{r['raw_rows_per_s']:,} | {r['import_members_per_s']:,} | "
              f"{r['ratio_import_to_raw']} | {r['reimport_members_per_s']:,} | "
              f"{r['peak_rss_mb']} MB |")  # fmt: skip


if __name__ == "__main__":
    main()
