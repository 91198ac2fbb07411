"""The activity log (kegiatan): one row per piece of a pendamping's work on a day.

Rows come two ways: typed by the pendamping (home visits, socialisation: work Harapan
cannot see), or recorded by themselves when the work is done elsewhere in Harapan (a P2K2
meeting held, a verification month recorded ...), through `registry.worklog`. Such a row
carries the `source` it came from, unique per kind, so the same work is never counted twice
however often it is reported.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..kinds import ActivityType


class ActivityQuerySet(models.QuerySet):
    def of_month(self, month) -> "ActivityQuerySet":
        """Activities on a day of `month` (a date; its day is ignored)."""
        return self.filter(on__year=month.year, on__month=month.month)

    def visible_to(self, user) -> "ActivityQuerySet":
        from harapan.accounts.scoping import activity_filter

        return self.filter(activity_filter(user))


class Activity(models.Model):
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pendamping"), on_delete=models.PROTECT,
        related_name="activities",
    )  # fmt: skip
    on = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis kegiatan"), max_length=32, choices=ActivityType.choices)
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="activities",
    )  # fmt: skip
    # What the work was about when it is not one family: a P2K2 group, a desa, a meeting.
    subject = models.CharField(_("sasaran"), max_length=200, blank=True)
    # Where it happened (the desa). Not `region_code`: rows with that field and a family
    # follow the family when it moves (registry/moving.py), and a visit stays where it was.
    place_code = models.CharField(_("kode wilayah tempat kegiatan"), max_length=10, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    # "fds.meeting:17": the record elsewhere in Harapan this row stands for; blank if typed.
    source = models.CharField(_("sumber"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"], condition=~models.Q(source=""),
                name="activity_once_per_source",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["pendamping", "on"], name="activity_pendamping_day")]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"
