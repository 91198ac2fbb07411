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

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def registry_file(families: int, seed: int) -> Path:
    from django.core.management import call_command

    data = OUT / f"registry-{families}-seed{seed}.csv"
    if not data.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = data.with_suffix(".partial")
        call_command("generate_registry", families=families, region="18", seed=seed,
                     out=str(partial), date=date(2026, 7, 1), verbosity=0)  # fmt: skip
        partial.rename(data)
    return data


def worker(families: int, seed: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="harapan-bench-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harapan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from harapan.benefits.batch import compute_entitlements
    from harapan.benefits.models import Stage
    from harapan.registry.importing.engine import import_registry

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[100_000, 1_000_000])
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
    (OUT / f"compute_entitlements-{vendor}.json").write_text(json.dumps(results, indent=2))
    print("\n| database | families | members | full scan | compute | ratio | µs per family |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['database']} | {r['families']:,} | {r['members']:,} | "
              f"{r['scan_seconds']} s | {r['compute_seconds']} s | "
              f"{r['ratio_compute_to_scan']} | {r['microseconds_per_family']} |")  # fmt: skip


if __name__ == "__main__":
    main()
