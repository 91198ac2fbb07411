"""A run: one piece of long web work (an upload, a recompute) done by a worker.

The page the user lands on reads the run row: its state, its progress (rows
read, checked, written) and then its result, with errors listed and
downloadable. The uploaded file waits in `RunFile` until the worker has read
it, and is deleted then: a registry file is full of NIKs.

A claim says "this region's stage is being written": two runs of the same
work on overlapping regions must never both write (`claims.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    REGISTRY_IMPORT = "registry_import", _("Impor registri")
    VERIFICATION_IMPORT = "verification_import", _("Impor verifikasi")
    DISBURSEMENT_IMPORT = "disbursement_import", _("Impor penyaluran")
    SCHOOLS_IMPORT = "schools_import", _("Impor sekolah")
    FACILITIES_IMPORT = "facilities_import", _("Impor fasilitas kesehatan")
    PROGRAMS_IMPORT = "programs_import", _("Impor kepesertaan program")
    ENTITLEMENTS = "entitlements", _("Hitung penetapan")
    ENTITLEMENTS_RECOMPUTE = "entitlements_recompute", _("Hitung ulang penetapan")
    SANCTIONS = "sanctions", _("Hitung sanksi")
    ANNUAL_REPORT = "annual_report", _("Laporan tahunan")
    FAMILY_EXPORT = "family_export", _("Ekspor daftar KPM")


class RunStatus(models.TextChoices):
    QUEUED = "antri", _("Menunggu giliran")
    RUNNING = "berjalan", _("Sedang berjalan")
    DONE = "selesai", _("Selesai")
    REJECTED = "ditolak", _("Ditolak, tidak ada yang berubah")
    FAILED = "gagal", _("Gagal, tidak ada yang berubah")


FINISHED = (RunStatus.DONE, RunStatus.REJECTED, RunStatus.FAILED)


class Run(models.Model):
    kind = models.CharField(_("jenis"), max_length=40, choices=RunKind.choices)
    status = models.CharField(
        _("keadaan"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # The region the run works on (the uploader's scope); who may see it follows from it.
    region_code = models.CharField(_("wilayah"), max_length=10, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="runs", verbose_name=_("oleh"),
    )  # fmt: skip
    title = models.CharField(_("judul"), max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    phase = models.CharField(_("tahap"), max_length=100, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # [[label msgid, number], ...]: the result's figures, labels translated on the page.
    figures = models.JSONField(default=list, blank=True)
    # [[line, column, value, message], ...], the first STORED_ERRORS of error_total.
    errors = models.JSONField(default=list, blank=True)
    error_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("pesan"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the worker running it
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class RunFile(models.Model):
    """The uploaded file of a run, kept in the database so that any worker can read it."""

    run = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(max_length=255)
    content = models.BinaryField()


class RunOutput(models.Model):
    """The file a run made for its user (an annual report's PDF), offered on the run page."""

    run = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="output")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()


class Claim(models.Model):
    """Work on `scope` for the regions under `region_code` is being written by `run`."""

    scope = models.CharField(max_length=100)
    region_code = models.CharField(max_length=10, blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.CASCADE)
    holder = models.CharField(max_length=200)  # host:pid, to tell a claim left by a dead process
    started_by = models.CharField(max_length=150, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "region_code"])]
