from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Jejak audit tidak boleh diubah")

    def delete(self):
        raise AppendOnlyError("Jejak audit tidak boleh dihapus")

    def for_object(self, obj) -> "AuditEntryQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One write (or sensitive read) through the app: who, when, what, from what to what.

    Append-only from the app's side: the queryset and the instance refuse to
    update or delete, and the admin shows it read-only.
    """

    at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelaku",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text so the entry still says who it was if the user is removed.
    actor_name = models.CharField("nama pelaku", max_length=150, blank=True)
    action = models.CharField("aksi", max_length=80, db_index=True)
    object_type = models.CharField("jenis objek", max_length=80, blank=True)
    object_id = models.CharField("ID objek", max_length=64, blank=True)
    object_repr = models.CharField("objek", max_length=200, blank=True)
    # The family's desa code, so an auditor's or coordinator's view of the
    # trail is scoped like the family data itself.
    region_code = models.CharField("kode wilayah", max_length=10, blank=True, db_index=True)
    changes = models.JSONField("perubahan", default=dict, blank=True)
    details = models.JSONField("rincian", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "entri audit"
        verbose_name_plural = "jejak audit"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'sistem'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Jejak audit tidak boleh diubah")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Jejak audit tidak boleh dihapus")
