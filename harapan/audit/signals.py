"""Sign-ins and sign-outs are part of the trail: who was at the keyboard when."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
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


# Once per lock-out, on the failure that starts it. Axes sends the signal again on each try
# refused during the lock-out (it had counted no failure then); those tries are in the
# trail already, as failed sign-ins.
@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    from harapan.accounts.throttling import lockout_ends

    user = get_user_model().objects.filter(username=username).first()
    trail.record(
        None,
        "auth.locked_out",
        user,
        region_code=_region(user),
        details={
            "username": (username or "")[:150],
            "ip": ip_address or "",
            "failures": request.axes_failures_since_start,
            "until": lockout_ends(username, ip_address),
        },
    )


def _region(user) -> str:
    return getattr(user, "region_id", None) or ""


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
