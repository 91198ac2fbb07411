"""Who takes part in which complementary programme, and the pendamping's proposals to close
a gap (DESIGN §9, issue 17).

Both hang off a family and carry its desa code, as every family-level row does, so they
are scoped by `accounts.scoping` through the family (`scoped_by("family")`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.accounts.scoping import scoped_by

from .catalogue import Programme

Scoped = scoped_by("family")


class Status(models.TextChoices):
    RECEIVING = "menerima", _("Menerima")
    PROPOSED = "diusulkan", _("Diusulkan")
    REJECTED = "ditolak", _("Ditolak")


class Source(models.TextChoices):
    IMPORT = "impor", _("Impor data")
    PENDAMPING = "pendamping", _("Dicatat pendamping")


class Participation(models.Model):
    """A family's or a member's participation in a programme over a period.

    `ends_on` is the last day (inclusive); empty while it lasts. `nik` is the member's
    NIK for a member-level programme and empty for a family-level one: with the
    family, the programme and the start it is the key a re-import matches on.
    """

    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), on_delete=models.CASCADE,
        related_name="participations",
    )  # fmt: skip
    member = models.ForeignKey(
        "registry.Member", verbose_name=_("anggota"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="participations",
    )  # fmt: skip
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    region_code = models.CharField(_("kode desa"), max_length=10, db_index=True)
    programme = models.CharField(_("program"), max_length=20, choices=Programme.choices)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("dicatat"), auto_now=True)

    objects = Scoped.as_manager()

    class Meta:
        ordering = ["family_id", "nik", "programme", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "nik", "programme", "starts_on"], name="participation_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="participation_ends_after_start",
            ),
        ]
        indexes = [
            # The gap lists ask "who receives programme P on day D" for whole regions.
            models.Index(fields=["programme", "status", "member"], name="participation_member"),
            models.Index(fields=["programme", "status", "family"], name="participation_family"),
        ]
        verbose_name = _("kepesertaan program")
        verbose_name_plural = _("kepesertaan program")

    def __str__(self) -> str:
        return f"{self.programme} {self.family_id} {self.nik}"


class Channel(models.TextChoices):
    """Where the pendamping took the proposal."""

    SCHOOL = "sekolah", _("Sekolah/madrasah")
    DINAS_PENDIDIKAN = "dinas_pendidikan", _("Dinas Pendidikan/Kemenag")
    DINAS_SOSIAL = "dinas_sosial", _("Dinas Sosial")
    HEALTH = "faskes_bpjs", _("Puskesmas/BPJS Kesehatan")
    VILLAGE = "desa", _("Pemerintah desa/musyawarah desa")
    SIKS_NG = "siks_ng", _("Usulan SIKS-NG")
    OTHER = "lainnya", _("Lainnya")


class Outcome(models.TextChoices):
    PENDING = "", _("Menunggu hasil")
    ACCEPTED = "diterima", _("Diterima")
    REJECTED = "ditolak", _("Ditolak")


class Proposal(models.Model):
    """A pendamping's proposal of a family or member to the programme of a gap.

    It stays open beside its gap until its outcome is recorded; an accepted one adds a
    `menerima` participation (source pendamping) from the outcome's date, which closes
    the gap.
    """

    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), on_delete=models.CASCADE,
        related_name="programme_proposals",
    )  # fmt: skip
    member = models.ForeignKey(
        "registry.Member", verbose_name=_("anggota"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="programme_proposals",
    )  # fmt: skip
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    region_code = models.CharField(_("kode desa"), max_length=10, db_index=True)
    programme = models.CharField(_("program"), max_length=20, choices=Programme.choices)
    proposed_on = models.DateField(_("tanggal usulan"))
    channel = models.CharField(_("saluran"), max_length=20, choices=Channel.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diusulkan oleh"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    outcome = models.CharField(
        _("hasil"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    outcome_on = models.DateField(_("tanggal hasil"), null=True, blank=True)
    outcome_note = models.CharField(_("catatan hasil"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("hasil dicatat oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    participation = models.ForeignKey(
        Participation, verbose_name=_("kepesertaan"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = Scoped.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            # One open proposal per person (or family) and programme: a second would be the
            # same work counted twice.
            models.UniqueConstraint(
                fields=["family", "nik", "programme"],
                condition=models.Q(outcome=""),
                name="one_open_proposal",
            ),
        ]
        verbose_name = _("usulan program")
        verbose_name_plural = _("usulan program")

    def __str__(self) -> str:
        return f"{self.programme} {self.family_id} {self.nik} {self.proposed_on}"

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.PENDING
