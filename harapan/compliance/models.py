"""Verification of commitments and the sanctions it leads to (DESIGN §5).

- Reference data per desa: schools (NPSN) and health facilities, and which
  school or facility each member attends (`MemberService`).
- `Verification`: one record per member, commitment and month.
- `ComplianceRules`: the year's parameters (attendance threshold, ladder).
- `Sanction`: a component suspended for one stage, or terminated from a
  stage on until a coordinator lifts it; computed by `batch.compute_sanctions`
  and read by the benefits app.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping
from harapan.registry import eligibility
from harapan.registry.models import in_programme_on

from . import calendar


class SchoolLevel(models.TextChoices):
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/sederajat")


class School(models.Model):
    npsn = models.CharField("NPSN", max_length=8, unique=True)
    name = models.CharField("nama sekolah", max_length=150)
    level = models.CharField("jenjang", max_length=3, choices=SchoolLevel.choices)
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["region_code", "level", "name"]
        verbose_name = "sekolah"
        verbose_name_plural = "sekolah"

    def __str__(self) -> str:
        return f"{self.name} ({self.npsn})"


class FacilityKind(models.TextChoices):
    POSYANDU = "posyandu", _("Posyandu")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    PUSTU = "pustu", _("Puskesmas pembantu")
    POLINDES = "polindes", _("Polindes/Poskesdes")
    KLINIK = "klinik", _("Klinik/praktik bidan")
    RUMAH_SAKIT = "rumah_sakit", _("Rumah sakit")


class HealthFacility(models.Model):
    name = models.CharField("nama fasilitas", max_length=150)
    kind = models.CharField("jenis", max_length=12, choices=FacilityKind.choices)
    # The Ministry of Health's facility code where there is one (puskesmas);
    # a posyandu has none.
    code = models.CharField("kode faskes", max_length=20, blank=True)
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["region_code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="facility_name_per_desa")
        ]
        verbose_name = "fasilitas kesehatan"
        verbose_name_plural = "fasilitas kesehatan"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class MemberService(models.Model):
    """The school a pupil attends and the facility a member is checked at."""

    member = models.OneToOneField(
        "registry.Member", on_delete=models.CASCADE, primary_key=True, related_name="service"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils",
        verbose_name="sekolah",
    )  # fmt: skip
    facility = models.ForeignKey(
        HealthFacility, null=True, blank=True, on_delete=models.SET_NULL, related_name="patients",
        verbose_name="fasilitas kesehatan",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoping.scoped_by("member__family").as_manager()

    class Meta:
        verbose_name = "sekolah/faskes anggota"
        verbose_name_plural = "sekolah/faskes anggota"


class ComplianceRules(models.Model):
    """A year's verification parameters (DESIGN §5: the ladder lengths are parameters)."""

    year = models.PositiveSmallIntegerField("tahun", primary_key=True)
    attendance_threshold = models.PositiveSmallIntegerField(
        "batas kehadiran sekolah (%)", default=85,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )  # fmt: skip
    suspension_months = models.PositiveSmallIntegerField(
        "bulan tidak patuh sebelum penangguhan", default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="dalam tiga bulan verifikasi sebelum tahap",
    )  # fmt: skip
    termination_months = models.PositiveSmallIntegerField(
        "bulan tidak patuh berturut-turut sebelum pembatalan", default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )  # fmt: skip

    class Meta:
        ordering = ["year"]
        verbose_name = "parameter verifikasi"
        verbose_name_plural = "parameter verifikasi"

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def for_year(cls, year: int) -> "ComplianceRules":
        """The year's row, or the defaults (unsaved) when the admin set none."""
        return cls.objects.filter(year=year).first() or cls(year=year)


class Result(models.TextChoices):
    COMPLIANT = "patuh", _("Patuh")
    NON_COMPLIANT = "tidak_patuh", _("Tidak patuh")
    EXCUSED = "dikecualikan", _("Dikecualikan")


class Source(models.TextChoices):
    FORM = "formulir", _("Formulir")
    IMPORT = "impor", _("Impor berkas")


class Verification(models.Model):
    """Whether a member kept a commitment in a month (DESIGN §5)."""

    COMMITMENT_CHOICES = list(eligibility.LABELS.items())

    # No index of its own: the unique (member, commitment, month) leads with it.
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="verifications",
        db_index=False,
    )  # fmt: skip
    region_code = models.CharField("kode desa", max_length=10)
    # The member's component code: the commitment follows from it (§5 table).
    commitment = models.CharField("komitmen", max_length=20, choices=COMMITMENT_CHOICES)
    month = models.DateField("bulan", help_text="hari pertama bulan")
    result = models.CharField("hasil", max_length=12, choices=Result.choices)
    attendance = models.PositiveSmallIntegerField(
        "kehadiran (%)", null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    reason = models.CharField("alasan pengecualian", max_length=200, blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facility = models.ForeignKey(
        HealthFacility, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.CharField("catatan bukti", max_length=300, blank=True)
    source = models.CharField("sumber", max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField("dicatat pada")

    objects = scoping.scoped_by("member__family").as_manager()

    class Meta:
        ordering = ["-month", "member_id", "commitment"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "commitment", "month"], name="verification_once_per_month"
            )
        ]
        indexes = [models.Index(fields=["region_code", "month"], name="verification_region_month")]
        verbose_name = "verifikasi komitmen"
        verbose_name_plural = "verifikasi komitmen"

    def __str__(self) -> str:
        # Read in the audit trail: labels, not codes.
        from harapan.display.formats import month

        return f"{self.get_commitment_display()} {month(self.month)}: {self.get_result_display()}"


class SanctionKind(models.TextChoices):
    SUSPENSION = "penangguhan", _("Penangguhan")
    TERMINATION = "pembatalan", _("Pembatalan")


class SanctionQuerySet(scoping.ScopedQuerySet):
    scope_via = "member__family"

    def in_force(self, year: int, stage: int) -> "SanctionQuerySet":
        """Sanctions that stop payment in stage `stage` of `year`.

        A suspension holds for its own stage; a termination for its stage and
        every later one. A lifted sanction stops nothing, and neither does one
        of a family that has left PKH by the stage's last day: its sanctions
        stop with its exit (DESIGN §7).
        """
        ordinal = calendar.ordinal(year, stage)
        return self.filter(
            in_programme_on(calendar.stage_end(year, stage), via="member__family"),
            models.Q(kind=SanctionKind.SUSPENSION, year=year, stage=stage)
            | models.Q(kind=SanctionKind.TERMINATION, stage_ordinal__lte=ordinal),
            lifted_at=None,
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
    # Made by the ladder from verification records (batch.compute_sanctions),
    # which may take it back when the records change; False when entered by hand.
    computed = models.BooleanField("dihitung dari verifikasi", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField("dicabut pada", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField("alasan pencabutan", blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-stage", "member_id"]
        constraints = [
            # Computing a stage again finds the same sanction, lifted or not.
            models.UniqueConstraint(
                fields=["member", "component", "kind", "year", "stage"], name="sanction_once"
            )
        ]
        verbose_name = "sanksi"
        verbose_name_plural = "sanksi"

    def __str__(self) -> str:
        # Read in the audit trail: the component by its label, never its code.
        component = eligibility.LABELS.get(self.component, self.component)
        return f"{self.get_kind_display()} · {component} · tahap {self.stage} {self.year}"

    def save(self, *args, **kwargs):
        self.stage_ordinal = self.year * 4 + self.stage
        super().save(*args, **kwargs)

    @property
    def stage_start(self) -> date:
        return date(self.year, 3 * (self.stage - 1) + 1, 1)
