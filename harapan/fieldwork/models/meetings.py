"""Coordination meetings (rapat koordinasi, DESIGN §2): the monthly meeting of a kecamatan,
chaired by its korcam with its pendamping, and of a kabupaten, chaired by its korkab with
its korcam. A meeting has an agenda, the attendance of those expected, minutes and action
items with an owner and a due date.

An action item not done carries over: it is on the agenda of every later meeting of the
same region and level until it is closed, computed (`ActionItem.objects.carried_to`), not
copied; what each of those meetings recorded about it (`ActionFollowUp`) is its history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MeetingLevel(models.TextChoices):
    KECAMATAN = "kecamatan", _("Kecamatan")
    KABUPATEN = "kabupaten", _("Kabupaten/kota")


class MeetingStatus(models.TextChoices):
    PLANNED = "direncanakan", _("Direncanakan")
    HELD = "terlaksana", _("Terlaksana")


class CoordinationMeeting(models.Model):
    level = models.CharField(_("tingkat"), max_length=10, choices=MeetingLevel.choices)
    # The kecamatan (6 digits) or kabupaten (4 digits) whose meeting it is.
    region_code = models.CharField(_("kode wilayah"), max_length=10)
    on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("notulen"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pemimpin rapat"), on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("direncanakan oleh"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("direncanakan"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("dicatat"), null=True, blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["region_code", "level", "on"], name="meeting_region_day")]
        verbose_name = _("rapat koordinasi")
        verbose_name_plural = _("rapat koordinasi")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.region_code} {self.on}"


class Presence(models.TextChoices):
    PRESENT = "hadir", _("Hadir")
    EXCUSED = "izin", _("Izin")
    ABSENT = "tidak_hadir", _("Tidak hadir")


class MeetingAttendance(models.Model):
    """One user expected at the meeting; `presence` is blank until the meeting is recorded."""

    meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("peserta"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    presence = models.CharField(_("kehadiran"), max_length=12, choices=Presence.choices,
                                blank=True)  # fmt: skip

    class Meta:
        ordering = ["meeting_id", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="expected_once_a_meeting"),
        ]
        verbose_name = _("kehadiran rapat")
        verbose_name_plural = _("kehadiran rapat")

    def __str__(self) -> str:
        return f"{self.user} {self.presence}"


class ItemStatus(models.TextChoices):
    OPEN = "terbuka", _("Terbuka")
    DONE = "selesai", _("Selesai")
    DROPPED = "dibatalkan", _("Dibatalkan")


class ActionItemQuerySet(models.QuerySet):
    def carried_to(self, meeting: CoordinationMeeting) -> "ActionItemQuerySet":
        """The items raised at earlier meetings of `meeting`'s region and level that were
        still open on its day: open now, or closed on that day or after."""
        return self.filter(
            meeting__region_code=meeting.region_code,
            meeting__level=meeting.level,
            meeting__on__lt=meeting.on,
        ).filter(Q(status=ItemStatus.OPEN) | Q(closed_on__gte=meeting.on))

    def open(self) -> "ActionItemQuerySet":
        return self.filter(status=ItemStatus.OPEN)

    def overdue(self, today) -> "ActionItemQuerySet":
        return self.open().filter(due_on__lt=today)


class ActionItem(models.Model):
    meeting = models.ForeignKey(
        CoordinationMeeting, verbose_name=_("rapat"), on_delete=models.CASCADE,
        related_name="action_items",
    )  # fmt: skip
    text = models.TextField(_("tindak lanjut"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penanggung jawab"), on_delete=models.PROTECT,
        related_name="action_items",
    )  # fmt: skip
    due_on = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    # The day it stopped being open: the meeting that recorded it done or dropped, or the
    # day its owner closed it. It is on the agenda of meetings up to that day.
    closed_on = models.DateField(_("ditutup pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("tindak lanjut rapat")
        verbose_name_plural = _("tindak lanjut rapat")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def region_code(self) -> str:
        return self.meeting.region_code


class FollowUpStatus(models.TextChoices):
    STILL_OPEN = "masih_terbuka", _("Masih berjalan")
    DONE = "selesai", _("Selesai")
    DROPPED = "dibatalkan", _("Dibatalkan")


class ActionFollowUp(models.Model):
    """What a later meeting recorded about an item carried over to its agenda."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="follow_ups")
    meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.CASCADE, related_name="follow_ups"
    )
    status = models.CharField(_("status"), max_length=14, choices=FollowUpStatus.choices)
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["meeting__on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "meeting"], name="follow_up_once_a_meeting"),
        ]
        verbose_name = _("perkembangan tindak lanjut")
        verbose_name_plural = _("perkembangan tindak lanjut")

    def __str__(self) -> str:
        return f"{self.item_id} {self.status}"

    @property
    def region_code(self) -> str:
        return self.meeting.region_code
