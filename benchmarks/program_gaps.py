"""The complementary-programme gap lists (DESIGN §9) against one full scan of the members.

For each size, a fresh database is filled through the real registry import with
families generated across Lampung; participations are then written set-based, so that
most people are covered (PBI-JKN for six members in seven, BPNT for nine families in ten,
PIP for four pupils in five, ATENSI for every third member). As a national admin:
1. scan: one full scan of registry_member (an aggregate over every row that no index
   can answer), the baseline;
2. counts: `gap_counts` for the whole country, what a home page shows (four queries);
3. rows: every gap row of the four lists, streamed to the end (what `program_gaps`
   writes).
The ratios to the scan should stay flat as the registry grows: a ratio that grew with
the size would mean work per family beyond the scan.

    .venv/bin/python benchmarks/program_gaps.py [--families 20000 100000]
    scripts/with-postgres .venv/bin/python benchmarks/program_gaps.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402

DAY = "2026-07-01"
# (programme, table, condition on its rows; % doubled, the SQL takes parameters): who
# is covered, by id, set-based.
COVERED = [
    ("pbi_jkn", "registry_member", "id %% 7 <> 0"),
    ("pip", "registry_member", "school_level IN ('sd', 'smp', 'sma') AND id %% 5 <> 0"),
    ("atensi", "registry_member", "id %% 3 = 0"),
    ("bpnt", "registry_family", "id %% 10 <> 0"),
]


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _cover(cursor) -> int:
    for programme, table, condition in COVERED:
        if table == "registry_member":
            who = "family_id, id, nik, region_code"
        else:
            who = "id, NULL, '', region_code"
        cursor.execute(
            "INSERT INTO programs_participation (family_id, member_id, nik, region_code, "
            "programme, starts_on, ends_on, status, source, recorded_at) "
            f"SELECT {who}, %s, '2025-01-01', NULL, 'menerima', 'impor', CURRENT_TIMESTAMP "
            f"FROM {table} WHERE {condition}",
            [programme],
        )
    cursor.execute("SELECT COUNT(*) FROM programs_participation")
    return cursor.fetchone()[0]


def worker(families: int, seed: int) -> dict:
    from datetime import date

    from django.db import connection

    from harapan.programs.gaps import gap_counts, gap_rows
    from harapan.registry.importing.engine import import_registry

    result = import_registry(registry_file(families, seed))
    assert result.imported, result.summary()
    day = date.fromisoformat(DAY)
    with connection.cursor() as cursor:
        participations = _cover(cursor)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        scan_seconds, _ = _timed(lambda: cursor.execute(
            "SELECT COUNT(*), SUM(LENGTH(name)), MAX(birth_date) FROM registry_member"
        ))  # fmt: skip
        cursor.execute("SELECT COUNT(*) FROM registry_member")
        members = cursor.fetchone()[0]
    counts_seconds = []
    for _ in range(3):
        seconds, counts = _timed(lambda: gap_counts(day))
        counts_seconds.append(seconds)
    rows_seconds, rows = _timed(lambda: sum(1 for _ in gap_rows(day)))
    total = sum(count.total for count in counts)
    assert rows == total, (rows, total)
    counts_best = min(counts_seconds)
    return {
        "database": connection.vendor,
        "families": families,
        "members": members,
        "participations": participations,
        "gaps": total,
        "scan_seconds": round(scan_seconds, 3),
        "counts_seconds": round(counts_best, 3),
        "rows_seconds": round(rows_seconds, 2),
        "ratio_counts_to_scan": round(counts_best / scan_seconds, 1),
        "ratio_rows_to_scan": round(rows_seconds / scan_seconds, 1),
    }


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [20_000, 100_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("members", "{members:,}"),
        ("participations", "{participations:,}"), ("gaps", "{gaps:,}"),
        ("full scan", "{scan_seconds} s"), ("counts", "{counts_seconds} s"),
        ("all rows", "{rows_seconds} s"), ("counts / scan", "{ratio_counts_to_scan}"),
        ("rows / scan", "{ratio_rows_to_scan}"),
    ])  # fmt: skip
