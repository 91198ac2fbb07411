"""Graduation (exit) from PKH (DESIGN §7).

- `ExitProposal`: any kind of exit, proposed by the pendamping, verified by
  the korcam, approved by the korkab; then the family exits. Rejected at any
  step with a reason.
- `Assessment` and `AssessmentRules`: the self-reliance (sejahtera mandiri)
  instrument, its weights and threshold.
- `Target`: GSM graduations per pendamping per year, per region.
- `FollowUpVisit`: visits in the 12 months after a family exits.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping
from harapan.registry.models import ExitReason, FamilyStatus


class ProposalStatus(models.TextChoices):
    PROPOSED = "diusulkan", _("Diusulkan")
    VERIFIED = "diverifikasi", _("Diverifikasi korcam")
    APPROVED = "disetujui", _("Disetujui korkab")
    REJECTED = "ditolak", _("Ditolak")


OPEN_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.VERIFIED)


class ExitProposalQuerySet(scoping.ScopedQuerySet):
    scope_via = "family"

    def open(self) -> "ExitProposalQuerySet":
        """Under way: not yet decided, or approved and waiting for its exit date."""
        return self.filter(
            Q(status__in=OPEN_STATUSES)
            | Q(status=ProposalStatus.APPROVED, family__status=FamilyStatus.ACTIVE)
        )

    def returned(self) -> "ExitProposalQuerySet":
        """Sent back to the pendamping: rejected, the family still active and not proposed
        again since. It leaves the list once the pendamping proposes the family again."""
        later = ExitProposal.objects.filter(family=OuterRef("family"), pk__gt=OuterRef("pk"))
        return self.filter(
            status=ProposalStatus.REJECTED, family__status=FamilyStatus.ACTIVE
        ).exclude(Exists(later))

    def due(self, on) -> "ExitProposalQuerySet":
        """Approved exits dated on or before `on` whose family has not left yet (DESIGN §7)."""
        return self.filter(
            status=ProposalStatus.APPROVED, exit_date__lte=on, family__status=FamilyStatus.ACTIVE
        )


class ExitProposal(models.Model):
    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="exit_proposals"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    kind = models.CharField("jenis", max_length=20, choices=ExitReason.choices)
    reason = models.TextField("alasan")
    exit_date = models.DateField("tanggal keluar")
    # A voluntary withdrawal (sejahtera mandiri) rests on the family's own letter.
    letter_number = models.CharField("nomor surat pengunduran diri", max_length=60, blank=True)
    letter_date = models.DateField("tanggal surat pengunduran diri", null=True, blank=True)
    status = models.CharField(
        "status", max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField("alasan penolakan", blank=True)

    objects = ExitProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One exit under way per family at a time.
            models.UniqueConstraint(
                fields=["family"], condition=Q(status__in=["diusulkan", "diverifikasi"]),
                name="one_open_exit_proposal",
            )
        ]  # fmt: skip
        verbose_name = "usulan graduasi"
        verbose_name_plural = "usulan graduasi"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.family_id} ({self.get_status_display()})"


class AssessmentRules(models.Model):
    """Weights of the self-reliance indicators and the readiness threshold (one row)."""

    w_income = models.PositiveSmallIntegerField(
        "bobot penghasilan di atas garis kemiskinan", default=25
    )
    w_work = models.PositiveSmallIntegerField("bobot pekerjaan tetap", default=15)
    w_business = models.PositiveSmallIntegerField("bobot usaha berjalan", default=10)
    w_assets = models.PositiveSmallIntegerField("bobot aset berarti", default=10)
    w_housing = models.PositiveSmallIntegerField("bobot rumah layak", default=10)
    w_schooling = models.PositiveSmallIntegerField("bobot anak bersekolah", default=10)
    w_insurance = models.PositiveSmallIntegerField("bobot jaminan kesehatan mandiri", default=5)
    w_savings = models.PositiveSmallIntegerField("bobot tabungan", default=5)
    w_desil = models.PositiveSmallIntegerField("bobot desil DTSEN di atas 4", default=10)
    threshold = models.PositiveSmallIntegerField("skor siap graduasi", default=70)

    class Meta:
        verbose_name = "instrumen graduasi sejahtera mandiri"
        verbose_name_plural = "instrumen graduasi sejahtera mandiri"

    @classmethod
    def current(cls) -> "AssessmentRules":
        return cls.objects.order_by("pk").first() or cls()


class Assessment(models.Model):
    """One scoring of a family with the instrument of DESIGN §7."""

    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="gsm_assessments"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    assessed_on = models.DateField("tanggal penilaian")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    monthly_income = models.PositiveIntegerField("penghasilan keluarga per bulan (Rp)")
    poverty_line = models.PositiveIntegerField("garis kemiskinan keluarga per bulan (Rp)")
    steady_work = models.BooleanField("pekerjaan tetap", default=False)
    business = models.BooleanField("usaha berjalan", default=False)
    assets = models.BooleanField("aset berarti (tanah, ternak, kendaraan)", default=False)
    housing = models.BooleanField("rumah layak huni", default=False)
    schooling = models.BooleanField("semua anak usia sekolah bersekolah", default=False)
    insurance = models.BooleanField("jaminan kesehatan mandiri", default=False)
    savings = models.BooleanField("punya tabungan", default=False)
    desil = models.PositiveSmallIntegerField("desil DTSEN", null=True, blank=True)
    score = models.PositiveSmallIntegerField("skor")
    notes = models.TextField("catatan", blank=True)

    objects = scoping.scoped_by("family").as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = "penilaian graduasi"
        verbose_name_plural = "penilaian graduasi"


class Target(models.Model):
    """GSM graduations expected of each pendamping in a year, for a region (prefix)."""

    region_code = models.CharField("kode wilayah (kosong = nasional)", max_length=10, blank=True)
    year = models.PositiveSmallIntegerField("tahun")
    per_pendamping = models.PositiveSmallIntegerField("target GSM per pendamping", default=10)

    class Meta:
        ordering = ["year", "region_code"]
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="target_once")]
        verbose_name = "target graduasi"
        verbose_name_plural = "target graduasi"


class FollowUpVisit(models.Model):
    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="follow_up_visits"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    visited_on = models.DateField("tanggal kunjungan")
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField("catatan")

    objects = scoping.scoped_by("family").as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = "kunjungan pasca-graduasi"
        verbose_name_plural = "kunjungan pasca-graduasi"
