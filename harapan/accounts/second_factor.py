"""The optional second factor: a TOTP code from an authenticator app (django-otp).

Offered to the roles that decide or see the most (roles.SECOND_FACTOR_ROLES). A user who
confirmed a device owes a code after each password sign-in: the sign-in marks the session
PENDING and SecondFactorMiddleware holds every page until the code is entered.
"""

from base64 import b32encode

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode import make as make_qr
from qrcode.image.svg import SvgPathImage

from .roles import SECOND_FACTOR_ROLES

PENDING = "harapan_second_factor_pending"


def offered_to(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in SECOND_FACTOR_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def unconfirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def typed_key(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed by hand: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: one SVG path drawn here (no script),
    without the XML declaration that has no place inside an HTML page."""
    return make_qr(device.config_url, image_factory=SvgPathImage).to_string(encoding="unicode")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    from .middleware import LAST_RENEWED

    if request is None:
        return
    # The idle clock starts at the sign-in (and the first page does not save the session).
    request.session[LAST_RENEWED] = int(timezone.now().timestamp())
    if confirmed_device(user) is not None:
        request.session[PENDING] = True
