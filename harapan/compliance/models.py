"""Sanctions from the verification of commitments (DESIGN §5).

This is the input the benefits app reads: a component suspended for one
stage, or terminated from a stage on until a coordinator lifts it. The
verification records and the ladder that produces sanctions build on this.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping


class SanctionKind(models.TextChoices):
    SUSPENSION = "penangguhan", _("Penangguhan")
    TERMINATION = "pembatalan", _("Pembatalan")


class SanctionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SanctionQuerySet":
        return scoping.visible_to(user, self, via="member__family")

    def in_force(self, year: int, stage: int) -> "SanctionQuerySet":
        """Sanctions that stop payment in stage `stage` of `year`.

        A suspension holds for its own stage; a termination for its stage and
        every later one. A lifted sanction stops nothing.
        """
        ordinal = year * 4 + stage
        return self.filter(lifted_at=None).filter(
            models.Q(kind=SanctionKind.SUSPENSION, year=year, stage=stage)
            | models.Q(kind=SanctionKind.TERMINATION, stage_ordinal__lte=ordinal)
        )


class Sanction(models.Model):
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="sanctions"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    component = models.CharField("komponen", max_length=20)
    kind = models.CharField("jenis", max_length=12, choices=SanctionKind.choices)
    year = models.PositiveSmallIntegerField("tahun")
    stage = models.PositiveSmallIntegerField("tahap")
    # year * 4 + stage, so "this stage or later" is one comparison.
    stage_ordinal = models.PositiveIntegerField(editable=False, db_index=True)
    reason = models.TextField("alasan", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField("dicabut pada", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField("alasan pencabutan", blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-stage", "member_id"]
        verbose_name = "sanksi"
        verbose_name_plural = "sanksi"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.component} {self.year}/{self.stage}"

    def save(self, *args, **kwargs):
        self.stage_ordinal = self.year * 4 + self.stage
        super().save(*args, **kwargs)
