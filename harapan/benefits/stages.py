from django.core.management.base import CommandError

from harapan.lib import regioncode

from .models import Entitlement, Stage
from .seed import FIRST_YEAR, ensure_years, last_year


def check_year(year: int) -> int:
    """A year the index can hold, from 2020 to next year; CommandError otherwise."""
    if year < FIRST_YEAR:
        raise CommandError(f"Tahun {year} tidak ada di indeks bantuan (mulai {FIRST_YEAR}).")
    if year > last_year():
        raise CommandError(
            f"Tahun {year} ditolak: indeks bantuan hanya sampai tahun depan ({last_year()})."
        )
    return year


def stage_for(year: int, number: int, *, create: bool = False) -> Stage:
    """The stage; `create` (computing only) first adds the missing index years up to `year`.

    Without it nothing is written: reading a stage never creates reference data.
    """
    if number not in (1, 2, 3, 4):
        raise CommandError("Tahap harus 1, 2, 3 atau 4")
    check_year(year)
    if create:
        ensure_years(year)
    stage = Stage.objects.select_related("year").filter(year_id=year, number=number).first()
    if stage is None:
        raise CommandError(
            f"Tahap {number} {year} belum ada di indeks bantuan: belum pernah dihitung. "
            f"Jalankan `harapan compute_entitlements --year {year} --stage {number}` dulu."
        )
    return stage


def computed_stage(year: int, number: int, region: str = "") -> Stage:
    """A stage whose entitlements were computed (in `region`, when given); CommandError if not."""
    stage = stage_for(year, number)
    entitlements = Entitlement.objects.filter(stage=stage)
    if region:
        entitlements = entitlements.filter(region_code__startswith=region)
    if not entitlements.exists():
        where = f" di wilayah {regioncode.dotted(region)}" if region else ""
        raise CommandError(
            f"Penetapan {stage}{where} belum pernah dihitung. Jalankan `harapan "
            f"compute_entitlements --year {year} --stage {number}` dulu."
        )
    return stage
