"""Set-based jobs of the registry over a region (STYLE.md): the nightly data check.

`store_findings` runs the checks of `check_data` (checks.py) over one
kabupaten and keeps the result, replacing the kabupaten's previous findings
as a whole, so the coordinators' pages read it without anyone running a
command. The checks stream their findings; they are stored in batches, one
query to find the families of a batch and one insert, never a query per family.
"""

from datetime import date
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone

from harapan.audit import trail
from harapan.lib import regioncode

from . import checks
from .models import DataCheckRun, DataFinding, Family

BATCH_SIZE = 2000


def kabupaten_with_active_families() -> list[str]:
    """The 4-digit codes of the kabupaten that have at least one active family, in order."""
    codes = (
        Family.objects.active()
        .annotate(kabupaten=Substr("region_code", 1, 4))
        .order_by("kabupaten")
        .values_list("kabupaten", flat=True)
        .distinct()
    )
    return list(codes)


@transaction.atomic
def store_findings(kabupaten: str, on: date) -> dict[str, int]:
    """Check the active families of `kabupaten` on `on`; store the findings in place of the
    previous ones. Returns the number of findings per check code."""
    code = regioncode.normalize(kabupaten)
    if regioncode.level(code) != regioncode.KABUPATEN:
        raise regioncode.InvalidRegionCode(f"Kode kabupaten/kota harus 4 angka: {kabupaten!r}")
    run, _ = DataCheckRun.objects.select_for_update().get_or_create(
        kabupaten_code=code, defaults={"checked_at": timezone.now(), "checked_on": on}
    )
    # The previous run's findings, and any other stored for a desa of the kabupaten
    # (a family that moved in): the run's result replaces them all.
    DataFinding.objects.filter(Q(run=run) | Q(region_code__startswith=code)).delete()
    counts = {check: 0 for check in checks.CHECKS}
    findings = checks.run_checks(code, on)
    while batch := list(islice(findings, BATCH_SIZE)):
        families = {
            registry_id: (pk, region_code)
            for registry_id, pk, region_code in Family.objects.filter(
                registry_id__in={f.registry_id for f in batch}
            ).values_list("registry_id", "pk", "region_code")
        }
        rows = []
        for finding in batch:
            family_id, region_code = families[finding.registry_id]
            rows.append(
                DataFinding(
                    run=run,
                    family_id=family_id,
                    region_code=region_code,
                    code=finding.code,
                    nik=finding.nik,
                    message=finding.message,
                )
            )
            counts[finding.code] += 1
        DataFinding.objects.bulk_create(rows)
    run.checked_at, run.checked_on, run.counts = timezone.now(), on, counts
    run.save(update_fields=["checked_at", "checked_on", "counts"])
    trail.record(
        None,
        "registry.check_data.store",
        run,
        details={"date": on, "total": sum(counts.values()), "counts": counts},
        region_code=code,
    )
    return counts
