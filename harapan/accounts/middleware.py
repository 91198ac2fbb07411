"""Per request: the profile's language (DESIGN §11), the idle expiry of a session, and
the second factor owed after the password."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from . import second_factor

# The session's last renewal (Unix seconds), for the idle expiry.
LAST_RENEWED = "harapan_renewed_at"


class ProfileLanguageMiddleware:
    """Activates the signed-in user's chosen language, else Indonesian (LANGUAGE_CODE).

    Replaces Django's LocaleMiddleware on purpose: the browser's Accept-Language header
    and the language cookie never decide, so a phone set to English still shows Indonesian.
    Goes after AuthenticationMiddleware, which puts the user on the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        language = chosen or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """Signs out a session left unused for SESSION_COOKIE_AGE (settings: the idle limit).

    Django sets a session's end when it saves it; this saves it again, and so pushes its
    end back, on a request at least a minute after the last renewal. That keeps the idle
    limit to the minute without a database write on every request, as
    SESSION_SAVE_EVERY_REQUEST would make.
    """

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key:
            now = int(timezone.now().timestamp())
            if now - session.get(LAST_RENEWED, 0) >= self.RENEW_AFTER_SECONDS:
                session[LAST_RENEWED] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A user with a confirmed TOTP device enters a code after the password, before any page.

    The session carries the duty from the sign-in (accounts/second_factor.py), so a user
    without a device costs no query here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(second_factor.PENDING) and request.path not in _open_paths():
            login_url = reverse("second_factor_verify")
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _open_paths() -> set[str]:
    """The pages a user who owes the code may still open: the code page, and signing out."""
    return {reverse("second_factor_verify"), reverse("logout")}
