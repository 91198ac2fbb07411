"""State changes of a user's own account, each with its audit row."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from harapan.audit import trail

from .models import User


@transaction.atomic
def choose_language(user, language: str) -> None:
    """The interface language the user reads the app in (DESIGN §11)."""
    # As stored: a ModelForm's validation has already set the new value on `user`.
    before = User.objects.values("language").get(pk=user.pk)
    user.language = language
    user.save(update_fields=["language"])
    trail.record(
        user, "accounts.user.language", user,
        changes=trail.diff(before, user), region_code=user.region_id or "",
    )  # fmt: skip


def record_password_change(user) -> None:
    """Django's PasswordChangeForm sets the password; the trail notes that it changed."""
    trail.record(user, "auth.password_change", user, region_code=user.region_id or "")


def start_second_factor(user) -> TOTPDevice:
    """A new secret for the user's authenticator app, not yet in force: it counts from
    `confirm_second_factor`, which is audited. Starting again replaces an unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)


@transaction.atomic
def confirm_second_factor(user, device: TOTPDevice, code: str) -> bool:
    """Puts the device in force when `code` is right; from the next sign-in on, the user
    enters a code after the password."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    trail.record(user, "auth.second_factor.enrol", user, region_code=user.region_id or "")
    return True


@transaction.atomic
def disable_second_factor(user, device: TOTPDevice, code: str) -> bool:
    """Removes the second factor, on a right code only: a session left open is not enough."""
    if not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    trail.record(user, "auth.second_factor.disable", user, region_code=user.region_id or "")
    return True


def check_second_factor(user, device: TOTPDevice, code: str) -> bool:
    """The code asked after the password; a wrong one is audited like a wrong password.
    django-otp doubles the wait after each wrong code (ThrottlingMixin)."""
    if device.verify_token(code):
        return True
    trail.record(user, "auth.second_factor.failed", user, region_code=user.region_id or "")
    return False
