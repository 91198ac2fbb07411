"""Sign-ins and sign-outs are part of the trail: who was at the keyboard when."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import trail


# Under the user's region, so that a korkab's trail shows the sign-ins of their kabupaten.
@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    trail.record(user, "auth.login", region_code=_region(user), details={"ip": _ip(request)})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        trail.record(user, "auth.logout", region_code=_region(user), details={"ip": _ip(request)})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    trail.record(
        None,
        "auth.login_failed",
        details={"username": credentials.get("username", "")[:150], "ip": _ip(request)},
    )


def _region(user) -> str:
    return getattr(user, "region_id", None) or ""


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
