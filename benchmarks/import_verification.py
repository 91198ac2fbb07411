"""Verification import speed against the raw bulk-insert rate of the same rows.

For each size, a fresh database (a new SQLite file, or the PostgreSQL named
by DATABASE_URL, emptied first) gets the region tree and a registry of
families generated across Lampung, loaded through the real registry import.
A verification file of 100,000 records is then written for the members who
owe a commitment in the months of 2026 up to June, in month order: school
attendance recaps (mostly as `persen_kehadiran` with `hasil` left to be
derived, some with an explicit result, a few excused) and health checks
(mostly compliant, some not, some excused with a reason). Then:
1. raw: the file's rows, parsed by csv.reader with no checks, go into a bare
   table of text columns through the same bulk path the import uses;
2. import: `import_verification` on the file — reading, row checks, member
   matching, the component rule per month, the writes and an audit row per
   record;
3. re-import: the same file again, every record replaced.

    .venv/bin/python benchmarks/import_verification.py [--families 15000] [--seed 1]
    scripts/with-postgres .venv/bin/python benchmarks/import_verification.py
"""

import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import OUT, registry_file, run  # noqa: E402

RECORDS = 100_000
HEADER = ["nik", "bulan", "komitmen", "hasil", "persen_kehadiran", "alasan"]
HEALTH_EXCUSES = ["sakit", "posyandu tidak buka", "banjir", "pindah sementara"]
SCHOOL_EXCUSES = ["sakit", "libur sekolah", "bencana"]


def school_row(rng, nik, month, commitment) -> list:
    roll = rng.random()
    if roll < 0.03:
        return [nik, month, commitment, "dikecualikan", "", rng.choice(SCHOOL_EXCUSES)]
    attendance = min(100, int(rng.gauss(92, 8)))
    if roll < 0.80:  # the recap from school: the result follows from the threshold
        return [nik, month, commitment, "", attendance, ""]
    result = "patuh" if attendance >= 85 else "tidak_patuh"
    return [nik, month, commitment, result, attendance, ""]


def health_row(rng, nik, month, commitment) -> list:
    roll = rng.random()
    if roll < 0.05:
        return [nik, month, commitment, "dikecualikan", "", rng.choice(HEALTH_EXCUSES)]
    return [nik, month, commitment, "tidak_patuh" if roll < 0.10 else "patuh", "", ""]


def verification_file(families: int, seed: int) -> Path:
    """RECORDS rows for members who really owe a commitment, month after month."""
    import csv
    import random

    from django.db.models import Count

    from harapan.compliance import commitments
    from harapan.registry import eligibility
    from harapan.registry.models import Member

    rng = random.Random(seed)
    shared = (
        Member.objects.filter(family__status="aktif")
        .values("nik")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("nik")
    )
    path = OUT / f"verification-{families}-seed{seed}.csv"
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, 7):
            month = date(2026, number, 1)
            owing = (
                commitments.owed(month)
                .exclude(nik__in=shared)
                .order_by("id")
                .values_list("nik", "commitment")
            )
            label = f"{month:%Y-%m}"
            for nik, commitment in owing.iterator(chunk_size=5000):
                make = school_row if commitment in eligibility.SCHOOL_LEVELS else health_row
                writer.writerow(make(rng, nik, label, commitment))
                written += 1
                if written == RECORDS:
                    return path
    raise SystemExit(f"{families} keluarga hanya memberi {written} catatan; tambah --families")


def worker(families: int, seed: int) -> dict:
    import csv

    from django.db import connection, transaction

    from harapan import bulk
    from harapan.compliance.importing import import_verification
    from harapan.compliance.models import Verification
    from harapan.registry.importing.engine import import_registry

    assert import_registry(registry_file(families, seed)).imported
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    data = verification_file(families, seed)

    bulk.execute("DROP TABLE IF EXISTS bench_raw")
    bulk.execute(
        "CREATE TABLE bench_raw (line integer, "
        + ", ".join(f"{name} varchar(255)" for name in HEADER) + ")"
    )  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        writer = bulk.BulkWriter("bench_raw", ("line", *HEADER))
        with open(data, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for number, row in enumerate(reader, start=2):
                writer.add((number, *row))
        writer.flush()
    raw_seconds = time.perf_counter() - started
    bulk.execute("DROP TABLE bench_raw")

    started = time.perf_counter()
    result = import_verification(data)
    import_seconds = time.perf_counter() - started
    assert result.imported and result.rows == RECORDS, result.summary()
    started = time.perf_counter()
    again = import_verification(data)
    reimport_seconds = time.perf_counter() - started
    assert again.replaced == RECORDS and Verification.objects.count() == RECORDS
    return {
        "database": connection.vendor,
        "families": families,
        "records": result.rows,
        "members": result.members,
        "months": len(result.months),
        "derived": result.derived,
        "excused": result.by_result.get("dikecualikan", 0),
        "raw_rows_per_s": round(RECORDS / raw_seconds),
        "import_seconds": round(import_seconds, 2),
        "import_records_per_s": round(RECORDS / import_seconds),
        "ratio_import_to_raw": round(raw_seconds / import_seconds, 3),
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_records_per_s": round(RECORDS / reimport_seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [15_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("records", "{records:,}"),
        ("members", "{members:,}"), ("months", "{months}"), ("derived", "{derived:,}"),
        ("excused", "{excused:,}"), ("raw rows/s", "{raw_rows_per_s:,}"),
        ("import records/s", "{import_records_per_s:,}"), ("ratio", "{ratio_import_to_raw}"),
        ("re-import records/s", "{reimport_records_per_s:,}"), ("peak RSS", "{peak_rss_mb} MB"),
    ])  # fmt: skip
