"""P2K2, the monthly family development sessions (DESIGN §6).

- `Module`, `Session`: the curriculum, as data the admin edits.
- `Group`: a pendamping's kelompok in a desa, with a leader (a KPM);
  `Membership` keeps which group a family belongs to over time, one at a time.
- `Meeting`: planned, then held (date, place, session taught, facilitator),
  with `Attendance` per family.
- `FdsRules`: the parameters (group size, the absence flag).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from harapan.accounts import scoping
from harapan.registry.models import FamilyStatus


class FdsRules(models.Model):
    """The programme's P2K2 parameters: one row, edited in the admin."""

    min_group_size = models.PositiveSmallIntegerField("anggota kelompok paling sedikit", default=15)
    max_group_size = models.PositiveSmallIntegerField("anggota kelompok paling banyak", default=30)
    absence_flag = models.PositiveSmallIntegerField(
        "ketidakhadiran tanpa izin berturut-turut sebelum ditandai", default=3,
        validators=[MinValueValidator(1)],
    )  # fmt: skip

    class Meta:
        verbose_name = "parameter P2K2"
        verbose_name_plural = "parameter P2K2"

    def __str__(self) -> str:
        return f"{self.min_group_size}–{self.max_group_size} KPM, tanda setelah {self.absence_flag}"

    @classmethod
    def current(cls) -> "FdsRules":
        return cls.objects.order_by("pk").first() or cls()


class Module(models.Model):
    number = models.PositiveSmallIntegerField("nomor modul", unique=True)
    title = models.CharField("judul", max_length=150)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "modul P2K2"
        verbose_name_plural = "modul P2K2"

    def __str__(self) -> str:
        return f"Modul {self.number}: {self.title}"


class Session(models.Model):
    """One numbered session (S1, S2, …); sessions are taught in the order of `number`."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField("nomor sesi", unique=True)
    title = models.CharField("judul", max_length=200)
    duration_minutes = models.PositiveSmallIntegerField("durasi (menit)", default=120)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "sesi P2K2"
        verbose_name_plural = "sesi P2K2"

    def __str__(self) -> str:
        return f"S{self.number} {self.title}"

    @property
    def code(self) -> str:
        return f"S{self.number}"


class Group(models.Model):
    name = models.CharField("nama kelompok", max_length=100)
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    pendamping = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fds_groups"
    )
    leader = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="ketua kelompok",
    )  # fmt: skip
    active = models.BooleanField("aktif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # A group carries its pendamping and desa, as a family does.
    objects = scoping.ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = "kelompok P2K2"
        verbose_name_plural = "kelompok P2K2"

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(scoping.ScopedQuerySet):
    scope_via = "family"

    def open(self) -> "MembershipQuerySet":
        """Not ended, whatever the family's status."""
        return self.filter(left_on=None)

    def current(self) -> "MembershipQuerySet":
        """Not ended, of a family still in PKH: a family that left is in no group (DESIGN §7)."""
        return self.open().filter(family__status=FamilyStatus.ACTIVE)


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="fds_memberships"
    )
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    joined_on = models.DateField("masuk")
    left_on = models.DateField("keluar", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-joined_on", "-id"]
        constraints = [
            # One group at a time: at most one open membership per family.
            models.UniqueConstraint(
                fields=["family"], condition=Q(left_on=None), name="one_current_group"
            )
        ]
        verbose_name = "keanggotaan kelompok"
        verbose_name_plural = "keanggotaan kelompok"


class MeetingStatus(models.TextChoices):
    PLANNED = "rencana", _("Direncanakan")
    HELD = "terlaksana", _("Terlaksana")
    CANCELLED = "batal", _("Batal")


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    region_code = models.CharField("kode desa", max_length=10, db_index=True)
    planned_on = models.DateField("tanggal rencana")
    status = models.CharField(
        "status", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField("tanggal pelaksanaan", null=True, blank=True)
    place = models.CharField("tempat", max_length=150, blank=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings",
        verbose_name="sesi",
    )  # fmt: skip
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="fasilitator",
    )  # fmt: skip
    notes = models.TextField("catatan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = scoping.scoped_by("group").as_manager()

    class Meta:
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["group", "planned_on"], name="meeting_group_date")]
        verbose_name = "pertemuan P2K2"
        verbose_name_plural = "pertemuan P2K2"

    def __str__(self) -> str:
        return f"{self.group} {self.held_on or self.planned_on}"


class Presence(models.TextChoices):
    PRESENT = "hadir", _("Hadir")
    EXCUSED = "izin", _("Izin")
    ABSENT = "absen", _("Tidak hadir")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="fds_attendance"
    )
    region_code = models.CharField("kode desa", max_length=10)
    presence = models.CharField("kehadiran", max_length=5, choices=Presence.choices)
    # Who came for the family (usually the mother; sometimes another adult).
    attendee = models.CharField("yang hadir", max_length=150, blank=True)

    objects = scoping.scoped_by("family").as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "family"], name="attendance_once")
        ]
        verbose_name = "kehadiran P2K2"
        verbose_name_plural = "kehadiran P2K2"
