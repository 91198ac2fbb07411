"""The dashboards (issue 18): the summary refresh, then the dashboard page per level.

For each size, a fresh database is filled through the real registry import with families
generated across Lampung; stage III 2026 is computed (`compute_entitlements`, the whole
country); one quarter of verification (April to June 2026) is written set-based, one record
per member who owes it (`commitments.owed`, the one component rule), nine in ten compliant.
Then, timed:
1. refresh: `summary.refresh_all()`, every kabupaten's summary rows (months from January
   2025 to the running month, stages and years);
2. dashboard: `reverse("reports:dashboard") + "?wilayah=CODE"` requested N times with the
   Django test client as an admin pusat, for each level (national, province 18, the first
   kabupaten, its first kecamatan, that kecamatan's first desa): p50 and p95 of the time
   from request to response, in this process (no network), after the first request, which
   counts the sums the page and its charts then read from a cache until the next refresh
   (timed apart, "first"). Without the dashboard page (its
   URL name does not resolve), the page times are left out and the table says so;
3. charts: the page's charts are images of their own URLs, which the browser fetches
   beside the page (lazily); each of them requested as many times in all, p50 and p95 of
   one chart.

    .venv/bin/python benchmarks/dashboard.py [--families 20000] [--requests 50]
    scripts/with-postgres .venv/bin/python benchmarks/dashboard.py --families 1000000
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import registry_file, run  # noqa: E402

QUARTER = ("2026-04-01", "2026-05-01", "2026-06-01")
# The generated file of 1,000,000 families (4.5 million member rows, 790 MB) is loaded as
# one file, past the caps an upload has (harapan/lib/tabular.py, settings).
os.environ.setdefault("HARAPAN_UPLOAD_MAX_MB", "2000")
os.environ.setdefault("HARAPAN_UPLOAD_MAX_UNPACKED_MB", "2000")
os.environ.setdefault("HARAPAN_UPLOAD_MAX_ROWS", "20000000")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))


def _write_verification(month) -> int:
    """One record per member owing a commitment in `month`, set-based; how many."""
    from django.db.models import F

    from harapan import bulk
    from harapan.compliance import commitments

    owed = (
        commitments.owed(month)
        .order_by()
        .values("commitment", member_pk=F("pk"), desa=F("region_code"))
    )
    sql, params = owed.query.sql_with_params()
    return bulk.execute(
        "INSERT INTO compliance_verification (member_id, region_code, commitment, month, "
        "result, reason, evidence, source, recorded_at) "
        "SELECT o.member_pk, o.desa, o.commitment, %s, "
        "CASE WHEN o.member_pk %% 10 = 0 THEN 'tidak_patuh' ELSE 'patuh' END, '', '', "
        f"'impor', CURRENT_TIMESTAMP FROM ({sql}) o",
        [month, *params],
    )


def _levels() -> list[tuple[str, str]]:
    """(level, code) of the national, province, first kabupaten, kecamatan and desa."""
    from harapan.registry.models import Family

    desa = Family.objects.order_by("region_code").values_list("region_code", flat=True)[0]
    return [("nasional", ""), ("provinsi", "18"), ("kabupaten", desa[:4]),
            ("kecamatan", desa[:6]), ("desa", desa)]  # fmt: skip


CHART = re.compile(r'src="(/laporan/dasbor/grafik/\d+\.svg)\?')


def _times(client, urls: list[str], code: str) -> tuple[float, float, str]:
    """p50 and p95 in ms of REQUESTS requests spread over `urls`, and the last page."""
    times, body = [], ""
    for n in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(urls[n % len(urls)], {"wilayah": code} if code else {})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (code, response.status_code)
        body = response.content.decode()
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return statistics.median(times) * 1000, p95 * 1000, body


def worker(families: int, seed: int) -> dict:
    from datetime import date

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from harapan.benefits.batch import compute_entitlements
    from harapan.benefits.models import Stage
    from harapan.reports import summary
    from harapan.reports.models import DesaMonth
    from harapan.testing import make_user

    result = import_registry_checked(registry_file(families, seed))
    stage = Stage.objects.select_related("year").get(year_id=2026, number=3)
    computed = compute_entitlements(stage)
    verification = sum(_write_verification(date.fromisoformat(month)) for month in QUARTER)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    started = time.perf_counter()
    done = summary.refresh_all()
    refresh_seconds = time.perf_counter() - started

    figures = {
        "database": connection.vendor,
        "families": families,
        "members": result.plan.members_new,
        "entitled": computed.families,
        "verification": verification,
        "kabupaten": len(done),
        "summary_rows": DesaMonth.objects.count(),
        "refresh_seconds": round(refresh_seconds, 1),
        "requests": REQUESTS,
    }
    try:
        url = reverse("reports:dashboard")
    except NoReverseMatch:
        figures["dashboard"] = figures["charts"] = "no page"
        return figures
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(make_user("bench_admin", "admin_pusat", is_superuser=True))
    pages = []
    pictures = []
    for level, code in _levels():
        # The first request after a refresh counts the sums (then cached for the page and
        # its charts, reports/figures.py): timed apart, as "first".
        started = time.perf_counter()
        client.get(url, {"wilayah": code} if code else {})
        figures[f"{level}_first_ms"] = round((time.perf_counter() - started) * 1000)
        p50, p95, page = _times(client, [url], code)
        figures[f"{level}_p50_ms"], figures[f"{level}_p95_ms"] = round(p50), round(p95)
        pages.append(f"{level} {figures[f'{level}_first_ms']} → {round(p50)} / {round(p95)} ms")
        charts = CHART.findall(page)
        p50, p95, _ = _times(client, charts, code)
        figures[f"{level}_chart_p50_ms"], figures[f"{level}_chart_p95_ms"] = round(p50), round(p95)
        pictures.append(f"{level} {round(p50)} / {round(p95)} ms ({len(charts)} charts)")
    figures["dashboard"] = "; ".join(pages)
    figures["charts"] = "; ".join(pictures)
    return figures


def import_registry_checked(path):
    from harapan.registry.importing.engine import import_registry

    result = import_registry(path)
    assert result.imported, result.summary()
    return result


if __name__ == "__main__":
    run(__file__, __doc__.splitlines()[0], worker, [20_000], [
        ("database", "{database}"), ("families", "{families:,}"), ("members", "{members:,}"),
        ("entitled (stage III)", "{entitled:,}"), ("verification rows", "{verification:,}"),
        ("kabupaten", "{kabupaten}"), ("desa-month rows", "{summary_rows:,}"),
        ("refresh", "{refresh_seconds} s"),
        ("requests", "{requests}"), ("dashboard first → p50 / p95 per level", "{dashboard}"),
        ("one chart p50 / p95 per level", "{charts}"),
    ])  # fmt: skip
