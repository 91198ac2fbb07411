"""The interface language is the one chosen in the user's profile (DESIGN §11)."""

from django.conf import settings
from django.utils import translation


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
