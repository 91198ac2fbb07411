"""Complaints (pengaduan, SPM): DESIGN §8 and the §12 "Complaints API".

- `Complaint`: one complaint, from receipt to resolution, with the level
  (`tingkat`) and the user (`handler`) holding it. Its tracking code (`kode`)
  and PIN let the complainant follow and reopen it without an account; only a
  keyed hash of the PIN is stored.
- `ComplaintNote`: internal notes of the staff, never shown to the public.
- `ComplaintAttachment`: the photo or PDF sent with a complaint, kept in the database
  (the backup keeps it; no public URL serves it), read only through a scoped view.

State changes go through `actions.py`; who handles a new complaint is
`routing.py`; who sees one is `scoping.complaint_filter`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from harapan.accounts import scoping
from harapan.accounts.roles import Role
from harapan.lib import regioncode


class Category(models.TextChoices):
    KEPESERTAAN = "kepesertaan", _("Kepesertaan (inklusi/eksklusi)")
    PEMBAYARAN = "pembayaran", _("Pembayaran/penyaluran")
    KKS = "kks", _("KKS")
    VERIFIKASI = "verifikasi", _("Verifikasi komitmen")
    DATA = "data", _("Data NIK/KK")
    PERILAKU_PENDAMPING = "perilaku_pendamping", _("Perilaku pendamping")
    PUNGLI = "pungli", _("Pungli/penipuan")
    LAINNYA = "lainnya", _("Lainnya")


# Complaints about a pendamping's conduct go to their supervisor and are never shown to
# the accused (DESIGN §8).
CONDUCT_CATEGORIES = (Category.PERILAKU_PENDAMPING, Category.PUNGLI)


class Channel(models.TextChoices):
    WEB = "web", _("Formulir web")
    WALK_IN = "datang", _("Datang langsung")
    PHONE = "telepon", _("Telepon (call center 171)")
    LAPOR = "lapor", _("Rujukan SP4N-LAPOR!")


class Status(models.TextChoices):
    RECEIVED = "diterima", _("Diterima")
    TRIAGED = "ditriase", _("Ditriase")
    RESPONDED = "ditanggapi", _("Ditanggapi")
    RESOLVED = "selesai", _("Selesai")
    REOPENED = "dibuka_kembali", _("Dibuka kembali")


OPEN_STATUSES = (Status.RECEIVED, Status.TRIAGED, Status.RESPONDED, Status.REOPENED)


class Level(models.TextChoices):
    """The level holding a complaint, in escalation order (DESIGN §8)."""

    PENDAMPING = "pendamping", _("Pendamping")
    KORCAM = "korcam", _("Koordinator kecamatan")
    KORKAB = "korkab", _("Koordinator kabupaten/kota")
    KORWIL = "korwil", _("Koordinator wilayah/provinsi")


# The role that works at each level, and back; the order is the escalation order.
LEVEL_ROLES = {
    Level.PENDAMPING: Role.PENDAMPING,
    Level.KORCAM: Role.KORCAM,
    Level.KORKAB: Role.KORKAB,
    Level.KORWIL: Role.KORWIL,
}
ROLE_LEVELS = {role: level for level, role in LEVEL_ROLES.items()}
LEVEL_ORDER = list(Level)


def level_of(user) -> Level | None:
    """The level at which `user` handles complaints, None for the other roles."""
    return ROLE_LEVELS.get(getattr(user, "role", ""))


def rank(level: str) -> int:
    return LEVEL_ORDER.index(Level(level))


class Decision(models.TextChoices):
    # "Diterima" is also the status of a complaint just received: the context tells them apart.
    UPHELD = "diterima", pgettext_lazy("complaint decision", "Diterima")
    PARTLY_UPHELD = "sebagian", _("Diterima sebagian")
    REJECTED = "ditolak", _("Ditolak")
    WITHDRAWN = "dicabut", _("Dicabut")
    REFERRED = "dirujuk", _("Dirujuk")


# Decisions that may close a complaint at any step, before any response: the complainant
# withdrew it, or it belongs elsewhere (another office, or it repeats another complaint).
EARLY_DECISIONS = (Decision.WITHDRAWN, Decision.REFERRED)

KODE_PREFIX = "ADU-"
# No 0/O, 1/I/L: a code read over the phone or copied from paper cannot be misread.
KODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
KODE_LENGTH = 8
PIN_DIGITS = 6
# A tracking code as a regular expression (URL patterns, forms).
KODE_PATTERN = rf"{KODE_PREFIX}[{KODE_ALPHABET}]{{{KODE_LENGTH}}}"


def normalize_kode(text: str) -> str:
    """The stored form of a tracking code typed by a person: upper case, with its prefix."""
    code = "".join((text or "").split()).upper()
    if not code.startswith(KODE_PREFIX):
        code = KODE_PREFIX + code
    return code


def _pin_hash(kode: str, pin: str, secret: str) -> str:
    return salted_hmac("harapan.complaints.pin", f"{kode}:{pin}", secret=secret,
                       algorithm="sha256").hexdigest()  # fmt: skip


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ComplaintQuerySet":
        return self.filter(scoping.complaint_filter(user))

    def in_region(self, code: str) -> "ComplaintQuerySet":
        return self.filter(region_code__startswith=regioncode.normalize(code))

    def open(self) -> "ComplaintQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    kode = models.CharField(_("kode pengaduan"), max_length=12, unique=True, editable=False)
    # A 6-digit PIN has a million values: a plain hash would fall to a loop, so the hash is
    # keyed with the SECRET_KEY (a stolen database alone gives no PIN) and salted with the code.
    pin_hash = models.CharField(max_length=64, editable=False)
    kategori = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    saluran = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    uraian = models.TextField(_("uraian"))
    region_code = models.CharField(_("kode desa"), max_length=10)
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="complaints",
    )  # fmt: skip
    # The pendamping complained about (perilaku_pendamping, pungli): never shown it.
    accused = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pendamping yang diadukan"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    # The public form names the accused in words (it lists no staff): the korcam of the
    # desa's kecamatan, who receives it, finds the pendamping.
    accused_name = models.CharField(_("nama pendamping yang diadukan"), max_length=150, blank=True)
    complainant_name = models.CharField(_("nama pengadu"), max_length=150, blank=True)
    complainant_phone = models.CharField(_("telepon pengadu"), max_length=20, blank=True)
    complainant_nik = models.CharField(_("NIK pengadu"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    tingkat = models.CharField(_("tingkat"), max_length=12, choices=Level.choices)
    # No index of its own: complaint_handler_status leads with it.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penangan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints_held", db_index=False,
    )  # fmt: skip
    received_at = models.DateTimeField(_("diterima"))
    triaged_at = models.DateTimeField(_("ditriase"), null=True, blank=True)
    responded_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # When the clock of the current step started: each step counts from the end of the
    # previous one (DESIGN §8); a reopening starts the resolution again.
    step_started_at = models.DateTimeField(_("langkah dimulai"))
    response = models.TextField(_("tanggapan pertama"), blank=True)
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices,
                                blank=True)  # fmt: skip
    resolution = models.TextField(_("penyelesaian (publik)"), blank=True)
    # Who resolved it and at which level: a reopening returns it there (DESIGN §8).
    resolved_level = models.CharField(
        _("tingkat penyelesai"), max_length=12, choices=Level.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diselesaikan oleh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("sama dengan"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="duplicates",
    )  # fmt: skip
    reopened = models.BooleanField(_("pernah dibuka kembali"), default=False)
    reopened_at = models.DateTimeField(_("dibuka kembali"), null=True, blank=True)
    reopen_reason = models.TextField(_("alasan dibuka kembali"), blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "status"], name="complaint_region_status"),
            models.Index(fields=["handler", "status"], name="complaint_handler_status"),
            models.Index(fields=["status", "step_started_at"], name="complaint_status_clock"),
        ]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")

    def __str__(self) -> str:
        return f"{self.kode} {self.get_kategori_display()}"

    @property
    def is_conduct(self) -> bool:
        return self.kategori in CONDUCT_CATEGORIES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @staticmethod
    def new_kode() -> str:
        return KODE_PREFIX + "".join(secrets.choice(KODE_ALPHABET) for _ in range(KODE_LENGTH))

    @staticmethod
    def new_pin() -> str:
        return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"

    def set_pin(self, pin: str) -> None:
        self.pin_hash = _pin_hash(self.kode, pin, settings.SECRET_KEY)

    def check_pin(self, pin: str) -> bool:
        """Whether `pin` is this complaint's; PINs issued under a retired key still pass."""
        pin = (pin or "").strip()
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return any(constant_time_compare(self.pin_hash, _pin_hash(self.kode, pin, key))
                   for key in keys)  # fmt: skip


class ComplaintNote(models.Model):
    """An internal note on a complaint: for the staff who see it, never for the public."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penulis"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    text = models.TextField(_("catatan"))
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("catatan internal pengaduan")
        verbose_name_plural = _("catatan internal pengaduan")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.text[:40]}"


class ComplaintAttachment(models.Model):
    """A file sent with a complaint, its content checked (attachments.py). Its own table:
    listing complaints never reads the bytes, and a download reads one row."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("nama berkas"), max_length=150)
    # Read from the content, never taken from the browser.
    content_type = models.CharField(_("jenis berkas"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    data = models.BinaryField()
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lampiran pengaduan")
        verbose_name_plural = _("lampiran pengaduan")

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    ESCALATION = "eskalasi", _("Eskalasi")


class ComplaintNoticeQuerySet(models.QuerySet):
    def unseen_by(self, user) -> "ComplaintNoticeQuerySet":
        """The user's notices not yet dismissed, of complaints they still see."""
        return self.filter(
            user=user, seen_at__isnull=True, complaint__in=Complaint.objects.visible_to(user)
        )


class ComplaintNotice(models.Model):
    """An in-app notice (DESIGN §8): a complaint reached `user`, e.g. escalated to them.
    Shown on their home page until they dismiss it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complaint_notices"
    )
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("jenis"), max_length=10, choices=NoticeKind.choices)
    from_level = models.CharField(_("dari tingkat"), max_length=12, choices=Level.choices)
    created_at = models.DateTimeField(_("dibuat"))
    seen_at = models.DateTimeField(_("dilihat"), null=True, blank=True)

    objects = ComplaintNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "seen_at"], name="complaint_notice_user_seen")]
        verbose_name = _("pemberitahuan pengaduan")
        verbose_name_plural = _("pemberitahuan pengaduan")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.complaint_id} ({self.kind})"
