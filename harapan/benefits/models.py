"""The benefit index, stages, entitlements, disbursements and KKS cards (DESIGN §4, §10)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping
from harapan.registry import eligibility


class BenefitYear(models.Model):
    """The parameters of one year's index: ages and the family's total cap."""

    year = models.PositiveSmallIntegerField("tahun", primary_key=True)
    lansia_age = models.PositiveSmallIntegerField("usia lansia", default=70)
    school_min_age = models.PositiveSmallIntegerField("usia sekolah terendah", default=6)
    school_max_age = models.PositiveSmallIntegerField("usia sekolah tertinggi", default=21)
    early_childhood_max_age = models.PositiveSmallIntegerField("usia dini tertinggi", default=5)
    max_components = models.PositiveSmallIntegerField("komponen per keluarga", default=4)

    class Meta:
        ordering = ["year"]
        verbose_name = "tahun indeks bantuan"
        verbose_name_plural = "tahun indeks bantuan"

    def __str__(self) -> str:
        return str(self.year)

    def rules(self) -> eligibility.Rules:
        annual = {i.component: i.annual_amount for i in self.index.all()}
        return eligibility.Rules(
            annual=annual,
            lansia_age=self.lansia_age,
            school_min_age=self.school_min_age,
            school_max_age=self.school_max_age,
            early_childhood_max_age=self.early_childhood_max_age,
        )

    def caps(self) -> dict[str, int | None]:
        return {i.component: i.family_cap for i in self.index.all()}


class BenefitIndex(models.Model):
    """The annual amount of one component in one year, and its per-family cap."""

    COMPONENT_CHOICES = list(eligibility.LABELS.items())

    year = models.ForeignKey(BenefitYear, on_delete=models.CASCADE, related_name="index")
    component = models.CharField("komponen", max_length=20, choices=COMPONENT_CHOICES)
    annual_amount = models.PositiveIntegerField("nilai setahun (Rp)")
    family_cap = models.PositiveSmallIntegerField(
        "batas per keluarga", null=True, blank=True, help_text="kosong = tanpa batas"
    )

    class Meta:
        ordering = ["year", "component"]
        constraints = [
            models.UniqueConstraint(fields=["year", "component"], name="index_once_per_year")
        ]
        verbose_name = "indeks bantuan"
        verbose_name_plural = "indeks bantuan"

    def __str__(self) -> str:
        return f"{self.year_id} {self.component}: Rp {self.annual_amount:,}"

    @property
    def stage_amount(self) -> int:
        """A year's amount is paid in four equal stages (DESIGN §4)."""
        return self.annual_amount // 4


class Stage(models.Model):
    """One of the year's four disbursements: its period, and its actual payment (SP2D) date."""

    year = models.ForeignKey(BenefitYear, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField("tahap", choices=[(n, str(n)) for n in (1, 2, 3, 4)])
    period_start = models.DateField("awal periode")
    period_end = models.DateField("akhir periode")
    payment_date = models.DateField("tanggal SP2D", null=True, blank=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="stage_once")]
        verbose_name = "tahap"
        verbose_name_plural = "tahap"

    def __str__(self) -> str:
        return f"Tahap {self.number} {self.year_id}"

    @property
    def reference_date(self) -> date:
        """Ages are computed on the first day of the stage's period (DESIGN §4)."""
        return self.period_start


class EntitlementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EntitlementQuerySet":
        return scoping.visible_to(user, self, via="family")


class Entitlement(models.Model):
    """What a family is owed for a stage: a frozen snapshot (DESIGN §4)."""

    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="entitlements"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="entitlements")
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    total = models.PositiveIntegerField("jumlah (Rp)")
    computed_at = models.DateTimeField("dihitung pada")

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "stage"], name="entitlement_once_per_stage")
        ]
        verbose_name = "penetapan bantuan"
        verbose_name_plural = "penetapan bantuan"

    def __str__(self) -> str:
        return f"{self.family_id} {self.stage}: Rp {self.total:,}"


class EntitlementLine(models.Model):
    """One paid component of an entitlement and the member who earned it."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("kode desa", max_length=10)
    component = models.CharField("komponen", max_length=20)
    amount = models.PositiveIntegerField("jumlah (Rp)")
    # 1 = paid first: the order of the export's `komponen` column.
    rank = models.PositiveSmallIntegerField("urutan")

    class Meta:
        ordering = ["entitlement_id", "rank"]
        verbose_name = "komponen penetapan"
        verbose_name_plural = "komponen penetapan"


class DisbursementStatus(models.TextChoices):
    PAID = "berhasil", _("Berhasil")
    FAILED = "gagal", _("Gagal")
    RETURNED = "retur", _("Retur")


class DisbursementImport(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="disbursement_imports")
    file_name = models.CharField("berkas", max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "impor penyaluran"
        verbose_name_plural = "impor penyaluran"


class DisbursementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DisbursementQuerySet":
        return scoping.visible_to(user, self, via="family")


class Disbursement(models.Model):
    """One line of a bank or PT Pos reconciliation file, matched to a family when possible."""

    batch = models.ForeignKey(DisbursementImport, on_delete=models.CASCADE, related_name="lines")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="disbursements")
    family = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.PROTECT,
        related_name="disbursements",
    )  # fmt: skip
    # The family's desa code, or the importer's region when the line matched no family.
    region_code = models.CharField("kode wilayah", max_length=10, db_index=True)
    line = models.PositiveIntegerField("baris")
    registry_id = models.CharField("ID keluarga", max_length=32, blank=True)
    kks_number = models.CharField("No KKS", max_length=32, blank=True)
    amount = models.PositiveBigIntegerField("jumlah (Rp)")
    paid_on = models.DateField("tanggal")
    status = models.CharField("status", max_length=10, choices=DisbursementStatus.choices)

    objects = DisbursementQuerySet.as_manager()

    class Meta:
        ordering = ["stage_id", "line"]
        verbose_name = "penyaluran"
        verbose_name_plural = "penyaluran"


class KksStatus(models.TextChoices):
    HELD_BY_KPM = "dipegang_kpm", _("Dipegang KPM")
    HELD_BY_OTHER = "dipegang_lain", _("Dipegang orang lain")
    LOST = "hilang", _("Hilang")
    BLOCKED = "terblokir", _("Terblokir")
    REPLACED = "diganti", _("Diganti")


class KksHolder(models.TextChoices):
    """Who holds a card that is not in the KPM's hands; the first two are violations."""

    PENDAMPING = "pendamping", _("Pendamping")
    GROUP_LEADER = "ketua_kelompok", _("Ketua kelompok")
    RELATIVE = "kerabat", _("Kerabat")
    VILLAGE_OFFICIAL = "aparat_desa", _("Aparat desa")
    OTHER = "lainnya", _("Lainnya")


class KksCustodyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KksCustodyQuerySet":
        return scoping.visible_to(user, self, via="family")


class KksCustody(models.Model):
    """One entry in a family's KKS card history; the newest is the card's status now."""

    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="kks_history"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    kks_number = models.CharField("No KKS", max_length=32, blank=True)
    status = models.CharField("status", max_length=20, choices=KksStatus.choices)
    holder = models.CharField("pemegang", max_length=20, choices=KksHolder.choices, blank=True)
    holder_name = models.CharField("nama pemegang", max_length=150, blank=True)
    since = models.DateField("sejak")
    note = models.TextField("keterangan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = KksCustodyQuerySet.as_manager()

    class Meta:
        ordering = ["family_id", "-since", "-id"]
        verbose_name = "riwayat KKS"
        verbose_name_plural = "riwayat KKS"

    @property
    def is_violation(self) -> bool:
        """A pendamping or a group leader must never hold a KPM's card (DESIGN §10)."""
        return self.status == KksStatus.HELD_BY_OTHER and self.holder in (
            KksHolder.PENDAMPING,
            KksHolder.GROUP_LEADER,
        )
