"""The `--region CODE` option the batch commands share."""

from django.core.management.base import CommandError

from harapan.lib import regioncode

from .models import Region


def region_option(code: str | None) -> str:
    """The undotted code of an existing region, '' for none given; CommandError otherwise."""
    if not code:
        return ""
    try:
        prefix = regioncode.normalize(code)
    except regioncode.InvalidRegionCode as exc:
        raise CommandError(
            f"Kode wilayah tidak sah: {code!r}. Gunakan kode Kemendagri, mis. 18.06 atau 1806."
        ) from exc
    if not Region.objects.filter(code=prefix).exists():
        raise CommandError(
            f"Wilayah {regioncode.dotted(prefix)} tidak ditemukan. "
            "Periksa kodenya atau muat data wilayah dengan `harapan load_regions`."
        )
    return prefix
