"""Families (KPM) and their members (ART): DESIGN §2, §3, §12."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping
from harapan.lib import regioncode


class Bank(models.TextChoices):
    BRI = "BRI", "BRI"
    BNI = "BNI", "BNI"
    MANDIRI = "MANDIRI", "Mandiri"
    BTN = "BTN", "BTN"
    BSI = "BSI", "BSI"
    POS = "POS", "PT Pos Indonesia"


class FamilyStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    EXITED = "keluar", _("Keluar")


class ExitReason(models.TextChoices):
    ALAMIAH = "alamiah", _("Graduasi alamiah")
    SEJAHTERA_MANDIRI = "sejahtera_mandiri", _("Graduasi sejahtera mandiri")
    PAKSA = "paksa", _("Graduasi paksa")
    DECEASED = "meninggal", _("Meninggal")
    MOVED = "pindah", _("Pindah")
    DUPLICATE = "ganda", _("Data ganda")
    NOT_FOUND = "tidak_ditemukan", _("Tidak ditemukan")
    REFUSED = "menolak", _("Menolak")


class Relation(models.TextChoices):
    HEAD = "kepala_keluarga", _("Kepala keluarga")
    WIFE = "istri", _("Istri")
    HUSBAND = "suami", _("Suami")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua")
    PARENT_IN_LAW = "mertua", _("Mertua")
    OTHER_RELATIVE = "famili_lain", _("Famili lain")
    OTHER = "lainnya", _("Lainnya")


class SchoolLevel(models.TextChoices):
    NOT_YET = "belum_sekolah", _("Belum sekolah")
    PAUD = "paud", _("PAUD")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/sederajat")
    NOT_IN_SCHOOL = "tidak_sekolah", _("Tidak sekolah")
    GRADUATED = "lulus", _("Lulus")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class FamilyQuerySet(models.QuerySet):
    def in_region(self, code: str) -> "FamilyQuerySet":
        return self.filter(region_code__startswith=regioncode.normalize(code))

    def visible_to(self, user) -> "FamilyQuerySet":
        return scoping.visible_to(user, self)

    def active(self) -> "FamilyQuerySet":
        return self.filter(status=FamilyStatus.ACTIVE)


class Family(models.Model):
    """A KPM, keyed by its registry ID (`id_keluarga`)."""

    registry_id = models.CharField("ID keluarga", max_length=32, unique=True)
    kk_number = models.CharField("No KK", max_length=16, db_index=True)
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    address = models.CharField("alamat", max_length=255, blank=True)
    bank = models.CharField("bank", max_length=10, choices=Bank.choices, blank=True)
    kks_number = models.CharField("No KKS", max_length=32, blank=True, db_index=True)
    desil = models.PositiveSmallIntegerField("desil", null=True, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=FamilyStatus.choices, default=FamilyStatus.ACTIVE
    )
    exit_reason = models.CharField(
        "alasan keluar", max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_date = models.DateField("tanggal keluar", null=True, blank=True)
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pendamping",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["registry_id"]
        verbose_name = "keluarga (KPM)"
        verbose_name_plural = "keluarga (KPM)"

    def __str__(self) -> str:
        return self.registry_id

    @property
    def is_active(self) -> bool:
        return self.status == FamilyStatus.ACTIVE


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MemberQuerySet":
        return scoping.visible_to(user, self, via="family")


class Member(models.Model):
    """A person in a family (ART), keyed by NIK within the family."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    # The family's desa code, copied so that scoping and batch jobs need no join.
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    nik = models.CharField("NIK", max_length=16, db_index=True)
    name = models.CharField("nama", max_length=150)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("tanggal lahir")
    relation = models.CharField("hubungan keluarga", max_length=20, choices=Relation.choices)
    pregnant = models.BooleanField("hamil/nifas", default=False)
    school_level = models.CharField(
        "jenjang pendidikan", max_length=20, choices=SchoolLevel.choices, blank=True
    )
    severe_disability = models.BooleanField("disabilitas berat", default=False)
    alive = models.BooleanField("hidup", default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["family_id", "birth_date", "nik"]
        constraints = [
            models.UniqueConstraint(fields=["family", "nik"], name="member_nik_once_per_family")
        ]
        verbose_name = "anggota keluarga (ART)"
        verbose_name_plural = "anggota keluarga (ART)"

    def __str__(self) -> str:
        return f"{self.name} ({self.family_id})"

    def age_on(self, day: date) -> int:
        """Age in whole years on `day` (DESIGN §4)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years
