"""Code-of-ethics cases (kode etik, DESIGN §9): reported → investigated → decided.

Confidential: only the korkab and above and the auditor see a case
(`scoping.ethics_case_filter`); the pendamping concerned reads the decided outcome of
their own, and nothing else of it (`scoping.ethics_decision_filter`). A conduct complaint
may open a case: the link is a foreign key to the complaint (fieldwork → complaints, one
way: complaints never reads fieldwork)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EthicsKind(models.TextChoices):
    HOLDING_KKS = "menahan_kks", _("Menahan kartu KKS")
    PUNGLI = "pungli", _("Pungli/pemotongan bantuan")
    FALSIFIED_DATA = "manipulasi_data", _("Manipulasi data")
    POLITICS = "politik_praktis", _("Politik praktis")
    GIFTS = "gratifikasi", _("Gratifikasi")
    SECOND_JOB = "rangkap_jabatan", _("Rangkap jabatan")
    OTHER = "lainnya", _("Lainnya")


class EthicsStatus(models.TextChoices):
    REPORTED = "dilaporkan", _("Dilaporkan")
    INVESTIGATED = "diperiksa", _("Diperiksa")
    DECIDED = "diputus", _("Diputus")


class EthicsDecision(models.TextChoices):
    NO_VIOLATION = "tidak_terbukti", _("Tidak terbukti")
    WARNING = "teguran", _("Teguran")
    HONORARIUM_POSTPONED = "penundaan_honor", _("Penundaan honorarium")
    DISMISSAL_PROPOSED = "usul_pemberhentian", _("Usul pemberhentian")


class EthicsCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EthicsCaseQuerySet":
        from harapan.accounts.scoping import ethics_case_filter

        return self.filter(ethics_case_filter(user))

    def decisions_for(self, user) -> "EthicsCaseQuerySet":
        """The decided cases of `user` as the pendamping concerned: all they may read."""
        from harapan.accounts.scoping import ethics_decision_filter

        return self.filter(ethics_decision_filter(user))


class EthicsCase(models.Model):
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pendamping"), on_delete=models.PROTECT,
        related_name="ethics_cases",
    )  # fmt: skip
    # The pendamping's kecamatan when reported: the case stays with that kabupaten's korkab.
    region_code = models.CharField(_("kode wilayah"), max_length=10)
    kind = models.CharField(_("jenis pelanggaran"), max_length=20, choices=EthicsKind.choices)
    description = models.TextField(_("uraian"))
    complaint = models.OneToOneField(
        "complaints.Complaint", verbose_name=_("pengaduan asal"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=EthicsStatus.choices, default=EthicsStatus.REPORTED
    )
    reported_at = models.DateTimeField(_("dilaporkan"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dilaporkan oleh"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    investigation_note = models.TextField(_("hasil pemeriksaan"), blank=True)
    investigated_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diperiksa oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decision = models.CharField(
        _("keputusan"), max_length=20, choices=EthicsDecision.choices, blank=True
    )
    decision_text = models.TextField(_("isi keputusan"), blank=True)
    decided_at = models.DateTimeField(_("diputus"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diputus oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    # When the pendamping concerned opened the decision: until then a line on their home.
    decision_seen_at = models.DateTimeField(_("keputusan dibaca"), null=True, blank=True)

    objects = EthicsCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("kasus kode etik")
        verbose_name_plural = _("kasus kode etik")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.pendamping}"
