from django.db import models

from harapan.lib import regioncode


class RegionQuerySet(models.QuerySet):
    def within(self, code: str) -> "RegionQuerySet":
        """The region and its whole subtree: codes are prefixes (DESIGN §3)."""
        return self.filter(code__startswith=regioncode.normalize(code))

    def at_level(self, level: int) -> "RegionQuerySet":
        return self.filter(level=level)


class Region(models.Model):
    """A Kemendagri region: province, kabupaten/kota, kecamatan or desa/kelurahan."""

    LEVEL_CHOICES = list(regioncode.LEVEL_NAMES.items())

    code = models.CharField("kode", max_length=10, primary_key=True)
    name = models.CharField("nama", max_length=120)
    level = models.PositiveSmallIntegerField("tingkat", choices=LEVEL_CHOICES)
    parent_code = models.CharField("kode induk", max_length=6, blank=True, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"

    def __str__(self) -> str:
        return f"{self.dotted_code} {self.name}"

    @property
    def dotted_code(self) -> str:
        return regioncode.dotted(self.code)
