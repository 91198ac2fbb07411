"""Coaching notes (pembinaan berjenjang, DESIGN §9): a supervisor's note about a pendamping,
or about a coordinator below them, with a follow-up date.

Seen by the person coached, the writer and the levels above in the region
(`scoping.coaching_filter`), never by a colleague at the same level."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CoachingNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CoachingNoteQuerySet":
        from harapan.accounts.scoping import coaching_filter

        return self.filter(coaching_filter(user))

    def follow_up_due(self, writer, today) -> "CoachingNoteQuerySet":
        """The writer's notes whose follow-up date has come and is not done."""
        return self.filter(writer=writer, follow_up_on__lte=today, follow_up_done_at__isnull=True)


class CoachingNote(models.Model):
    coached = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("yang dibina"), on_delete=models.PROTECT,
        related_name="coaching_notes",
    )  # fmt: skip
    # The coached person's region when written: the levels above it read the note.
    region_code = models.CharField(_("kode wilayah"), max_length=10)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pembina"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    on = models.DateField(_("tanggal"))
    topic = models.CharField(_("topik"), max_length=200)
    note = models.TextField(_("catatan"))
    follow_up_on = models.DateField(_("tanggal tindak lanjut"))
    follow_up_done_at = models.DateTimeField(_("tindak lanjut selesai"), null=True, blank=True)
    follow_up_outcome = models.TextField(_("hasil tindak lanjut"), blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = CoachingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["writer", "follow_up_on"], name="coaching_writer_due")]
        verbose_name = _("catatan pembinaan")
        verbose_name_plural = _("catatan pembinaan")

    def __str__(self) -> str:
        return f"{self.topic} · {self.coached}"
