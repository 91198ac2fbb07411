"""Complaints' background tasks: thin wrappers over batch.py (STYLE.md)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from harapan.jobs import scheduling
from harapan.jobs.labels import labelled

from .batch import escalate_complaints


@task()
@labelled(_("Eskalasi pengaduan yang melewati tenggat (setiap jam)"))
def escalate_complaints_hourly() -> dict[str, int]:
    """Breached complaints move one level up (DESIGN §8); runs every hour."""
    try:
        return {"dinaikkan": escalate_complaints(timezone.now())}
    finally:
        scheduling.enqueue_next_run(escalate_complaints_hourly)
