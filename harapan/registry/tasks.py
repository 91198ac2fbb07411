"""The registry's background tasks: thin wrappers over batch.py (STYLE.md)."""

from django.utils import timezone
from django_tasks import task

from harapan.jobs import scheduling

from . import batch


@task()
def check_kabupaten(kabupaten: str) -> dict[str, int]:
    """The data check of one kabupaten, stored for its coordinators' pages (DESIGN §12)."""
    return batch.store_findings(kabupaten, timezone.localdate())


@task()
def check_data_nightly() -> dict[str, int]:
    """One `check_kabupaten` per kabupaten with active families, for the workers to share;
    runs every night."""
    try:
        codes = batch.kabupaten_with_active_families()
        for code in codes:
            check_kabupaten.enqueue(code)
        return {"kabupaten": len(codes)}
    finally:
        scheduling.enqueue_next_run(check_data_nightly)
