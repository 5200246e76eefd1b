"""The staff UI speaks the business's language (Greek by default) until a user picks another."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BusinessLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is ignored:
    the language cookie set by the language switch, else settings.LANGUAGE_CODE."""

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
