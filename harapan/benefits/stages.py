from django.core.management.base import CommandError

from .models import Stage
from .seed import ensure_years


def stage_for(year: int, number: int) -> Stage:
    """The stage, creating missing index years up to `year`; a clear error otherwise."""
    if number not in (1, 2, 3, 4):
        raise CommandError("Tahap harus 1, 2, 3 atau 4")
    ensure_years(max(year, 2020))
    stage = Stage.objects.select_related("year").filter(year_id=year, number=number).first()
    if stage is None:
        raise CommandError(f"Tahun {year} tidak ada di indeks bantuan (mulai 2020)")
    return stage
