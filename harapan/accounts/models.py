import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from harapan.lib import regioncode
from harapan.regions.models import Region

from .roles import REGION_LEVEL, Role


class HarapanUserManager(UserManager):
    def in_region(self, code: str):
        return self.filter(region__code__startswith=regioncode.normalize(code))

    def pendamping_of(self, kecamatan_code: str):
        return self.filter(role=Role.PENDAMPING, region_id=regioncode.normalize(kecamatan_code))


class User(AbstractUser):
    """A staff member with one role and one region scope (DESIGN §1)."""

    role = models.CharField("peran", max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="wilayah tugas",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField("telepon", max_length=20, blank=True)
    # Blank: the default, Indonesian (settings.LANGUAGE_CODE); the browser never decides.
    language = models.CharField(_("bahasa"), max_length=10, choices=settings.LANGUAGES, blank=True)

    objects = HarapanUserManager()

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if not self.role:
            return
        wanted = REGION_LEVEL[Role(self.role)]
        if wanted is None:
            return
        if self.region_id is None or regioncode.level(self.region_id) != wanted:
            raise ValidationError(
                {
                    "region": f"Peran {Role(self.role).label} harus ditugaskan di tingkat "
                    f"{regioncode.LEVEL_NAMES[wanted]}."
                }
            )

    @property
    def region_prefix(self) -> str:
        """The region code prefix of everything this user may see ('' = national)."""
        return self.region_id or ""


class ApiToken(models.Model):
    """A token for an integration: the key is shown once, only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nama", max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key)), key

    @classmethod
    def user_for(cls, key: str):
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=cls.hash_key(key), user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


class SecondFactorDevice(TOTPDevice):
    """django-otp's TOTP device under its Indonesian name, for the admin and the trail: an
    admin removes the device of a user who lost their phone (second_factor.py)."""

    class Meta:
        proxy = True
        verbose_name = "perangkat verifikasi dua langkah"
        verbose_name_plural = "perangkat verifikasi dua langkah"
