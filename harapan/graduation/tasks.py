"""Graduation's background tasks: thin wrappers over batch.py (STYLE.md)."""

from dataclasses import asdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from harapan.jobs import scheduling
from harapan.jobs.labels import labelled

from .batch import apply_due_exits


@task()
@labelled(_("Keluarga keluar pada tanggalnya (setiap malam)"))
def apply_exits_daily() -> dict[str, int]:
    """Approved exits dated today or earlier take effect (DESIGN §7); runs every night."""
    try:
        return asdict(apply_due_exits(timezone.localdate()))
    finally:
        scheduling.enqueue_next_run(apply_exits_daily)
