"""Families (KPM) and their members (ART): DESIGN §2, §3, §12."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
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


def in_programme_on(day: date, via: str = "") -> Q:
    """The families (reached from a row by `via`) still in PKH on `day`.

    An exit takes effect on its exit date (DESIGN §7): a family that left is
    still in the programme on the days before it, so history keeps it and the
    work of any later day does not.
    """
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}status": FamilyStatus.ACTIVE}) | Q(**{f"{prefix}exit_date__gt": day})


class FamilyQuerySet(models.QuerySet):
    def in_region(self, code: str) -> "FamilyQuerySet":
        return self.filter(region_code__startswith=regioncode.normalize(code))

    def visible_to(self, user) -> "FamilyQuerySet":
        return scoping.visible_to(user, self)

    def active(self) -> "FamilyQuerySet":
        return self.filter(status=FamilyStatus.ACTIVE)

    def in_programme_on(self, day: date) -> "FamilyQuerySet":
        return self.filter(in_programme_on(day))


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
    # Optimistic locking of the correction form: every write of the family's own
    # data (a correction, an approved data update, an import) adds one, so a form
    # loaded before it is refused instead of overwriting it (actions.py).
    version = models.PositiveIntegerField("versi", default=1, db_default=1, editable=False)

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


def head_name(family: str = "pk") -> models.Subquery:
    """The name of the head of the family that `family` (an OuterRef path) points at.

    Should a family carry two heads (a data error), the first recorded wins.
    """
    heads = Member.objects.filter(family=models.OuterRef(family), relation=Relation.HEAD)
    return models.Subquery(heads.order_by("pk").values("name")[:1])


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MemberQuerySet":
        return scoping.visible_to(user, self, via="family")


class Member(models.Model):
    """A person in a family (ART), keyed by NIK within the family."""

    # No index of its own: the unique (family, nik) constraint leads with it, and
    # one index less makes bulk imports faster.
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="members", db_index=False
    )
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
    died_on = models.DateField("tanggal meninggal", null=True, blank=True)
    # As Family.version: the correction form carries it and a stale one is refused.
    version = models.PositiveIntegerField("versi", default=1, db_default=1, editable=False)

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


class ChangeKind(models.TextChoices):
    """Kinds of data update (pemutakhiran) a pendamping may propose.

    Everything that can change what a family is paid is one of these, and so
    takes effect only on approval; the direct correction forms keep the rest.
    """

    BIRTH = "kelahiran", _("Kelahiran")
    DEATH = "kematian", _("Kematian")
    MOVE = "pindah", _("Pindah domisili")
    PREGNANCY = "kehamilan", _("Kehamilan/nifas")
    SCHOOL = "pendidikan", _("Jenjang pendidikan")
    BIRTH_DATE = "tanggal_lahir", _("Tanggal lahir")
    SEX = "jenis_kelamin", _("Jenis kelamin")
    RELATION = "hubungan", _("Hubungan keluarga")
    DISABILITY = "disabilitas", _("Disabilitas berat")
    PAYMENT = "rekening", _("Bank penyalur dan No KKS")
    DESIL = "desil", _("Desil")


class ChangeStatus(models.TextChoices):
    PENDING = "diajukan", _("Diajukan")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")


class ChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ChangeRequestQuerySet":
        return scoping.visible_to(user, self, via="family")

    def pending(self) -> "ChangeRequestQuerySet":
        return self.filter(status=ChangeStatus.PENDING)


class ChangeRequest(models.Model):
    """A proposed data update; it takes effect only once approved one level up.

    `payload` holds the kind's new values (e.g. {"school_level": "smp"} or the
    new member of a birth); the member is empty for family-level kinds.
    """

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="change_requests")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="change_requests"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    kind = models.CharField("jenis", max_length=20, choices=ChangeKind.choices)
    payload = models.JSONField("isi perubahan", default=dict)
    note = models.TextField("keterangan", blank=True)
    status = models.CharField(
        "status", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("diajukan pada", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("diputuskan pada", null=True, blank=True)
    rejection_reason = models.TextField("alasan penolakan", blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "permohonan pemutakhiran data"
        verbose_name_plural = "permohonan pemutakhiran data"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.family_id} ({self.get_status_display()})"


class ImportRun(models.Model):
    """One run of the registry import, from the command or the upload page."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField("berkas", max_length=255)
    region_code = models.CharField("wilayah pengunggah", max_length=10, blank=True)
    dry_run = models.BooleanField("uji coba", default=False)
    skip_invalid = models.BooleanField("lewati keluarga bermasalah", default=False)
    imported = models.BooleanField("diimpor", default=False)
    summary = models.JSONField("ringkasan", default=dict)
    errors_csv = models.TextField("berkas galat", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "impor registri"
        verbose_name_plural = "impor registri"

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


class DataCheck(models.TextChoices):
    """The checks of `check_data` (DESIGN §12); the value is the CSV's `kode`."""

    NIK_DUPLIKAT = "NIK_DUPLIKAT", _("NIK ganda di keluarga lain")
    NIK_TGL_LAHIR = "NIK_TGL_LAHIR", _("NIK tidak cocok dengan tanggal lahir")
    NIK_JENIS_KELAMIN = "NIK_JENIS_KELAMIN", _("NIK tidak cocok dengan jenis kelamin")
    NIK_WILAYAH = "NIK_WILAYAH", _("Kode wilayah NIK tidak dikenal")
    USIA_KOMPONEN = "USIA_KOMPONEN", _("Usia tidak wajar untuk sekolah atau kehamilan")
    KEPALA_KELUARGA = "KEPALA_KELUARGA", _("Kepala keluarga tidak ada atau lebih dari satu")
    MENINGGAL_MENERIMA = "MENINGGAL_MENERIMA", _("ART meninggal masih memenuhi komponen")


class DataCheckRun(models.Model):
    """The latest data check of one kabupaten: when it ran, on which date, how much it found.

    One row per kabupaten, overwritten by each run, so that a kabupaten with
    no finding still shows when it was last checked.
    """

    kabupaten_code = models.CharField("kode kabupaten/kota", max_length=4, unique=True)
    checked_at = models.DateTimeField("diperiksa pada")
    checked_on = models.DateField("tanggal acuan")
    counts = models.JSONField("jumlah per pemeriksaan", default=dict)

    class Meta:
        ordering = ["kabupaten_code"]
        verbose_name = "pemeriksaan data"
        verbose_name_plural = "pemeriksaan data"

    def __str__(self) -> str:
        return f"{self.kabupaten_code} {self.checked_at:%Y-%m-%d %H:%M}"


class DataFinding(models.Model):
    """One finding of the latest data check of the family's kabupaten (a row of check_data)."""

    run = models.ForeignKey(DataCheckRun, on_delete=models.CASCADE, related_name="findings")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="data_findings")
    # The family's desa code when checked, so that scoping needs no join.
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    code = models.CharField("pemeriksaan", max_length=20, choices=DataCheck.choices)
    nik = models.CharField("NIK", max_length=16, blank=True)
    message = models.TextField("temuan")

    objects = scoping.scoped_by("family").as_manager()

    class Meta:
        ordering = ["region_code", "family_id", "code", "nik", "id"]
        verbose_name = "temuan pemeriksaan data"
        verbose_name_plural = "temuan pemeriksaan data"

    def __str__(self) -> str:
        return f"{self.code} {self.family_id} {self.nik}"


class PastAssignment(models.Model):
    """Who a family's pendamping was until a day: written whenever the family changes hands.

    The scorecard counts "the families of P on the last day of M" (DESIGN §9) for any past
    month. A family keeps `Family.pendamping` until it changes hands; then one row says whom
    it had (possibly nobody) until that day. The pendamping on a day D is the one of the
    first row ending after D, or the current one when no row does (assignment_history.py),
    so families that never changed hands, and those created before this table, need no row.
    """

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="past_assignments")
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    # The day the family changed hands: `pendamping` had it on the days before, not on it.
    until = models.DateField("sampai")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["family", "until"], name="past_assignment_family_until")]
        verbose_name = "riwayat penugasan pendamping"
        verbose_name_plural = "riwayat penugasan pendamping"
