"""The monthly work plan (rencana kerja bulanan) of a pendamping: lines of planned work by
activity type, submitted to the korcam, who accepts it or returns it with a note. The plan
of a month is the `rencana` of DESIGN §9; the activity log realises it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..kinds import ActivityType


class PlanStatus(models.TextChoices):
    DRAFT = "draf", _("Draf")
    SUBMITTED = "diajukan", _("Diajukan")
    RETURNED = "dikembalikan", _("Dikembalikan")
    ACCEPTED = "diterima", _("Diterima")


class WorkPlan(models.Model):
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pendamping"), on_delete=models.PROTECT,
        related_name="work_plans",
    )  # fmt: skip
    month = models.DateField(_("bulan"))  # the first day of the month
    status = models.CharField(
        _("status"), max_length=14, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ditinjau oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    review_note = models.TextField(_("catatan peninjau"), blank=True)

    class Meta:
        ordering = ["-month", "pendamping_id"]
        constraints = [
            models.UniqueConstraint(fields=["pendamping", "month"], name="one_plan_a_month"),
        ]
        verbose_name = _("rencana kerja bulanan")
        verbose_name_plural = _("rencana kerja bulanan")

    def __str__(self) -> str:
        return f"{self.pendamping} {self.month:%Y-%m}"


class PlanLine(models.Model):
    """Planned work of one type: how many, and where it fits, on which days and for whom."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("jenis kegiatan"), max_length=32, choices=ActivityType.choices)
    planned = models.PositiveIntegerField(_("jumlah direncanakan"))
    # Free text: "tgl 5, 12, 19" or "Kelompok Melati, Mawar"; the count is what is measured.
    detail = models.CharField(_("rincian"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="one_line_a_kind"),
        ]
        verbose_name = _("baris rencana")
        verbose_name_plural = _("baris rencana")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.planned}"
