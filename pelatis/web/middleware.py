"""Request handling around every view: the language of the page, and requests that are too large."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")


class BusinessLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is ignored:
    the language cookie set by the language switch, else settings.LANGUAGE_CODE."""

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class BodyLimitMiddleware:
    """A request body over the limit gets 413 (not Django's 400, or a 500 from the API) with a short,
    localised message: JSON under /api/, a small page elsewhere. Under /api/, unexpected errors get a
    JSON 500 and Django's own HTML error pages (404 of an unknown path...) become JSON too.

    The body size is judged from Content-Length before anything reads it:
    ``PELATIS_MAX_BODY_BYTES`` (DATA_UPLOAD_MAX_MEMORY_SIZE) for JSON and forms,
    ``PELATIS_MAX_UPLOAD_BYTES`` for multipart uploads. A multipart body under
    that whose form fields are still too big is parsed here, before the CSRF
    check would parse it and turn the error into a 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.PELATIS_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_large_response(request, limit)
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code in API_ERRORS
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # Django's own error pages (an unknown API path, a refused host): JSON, like every API answer.
            response = JsonResponse(
                {
                    "detail": [
                        {
                            "loc": [],
                            "msg": API_ERRORS[response.status_code],
                            "type": API_ERROR_TYPES[response.status_code],
                        }
                    ]
                },
                status=response.status_code,
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method == "POST" and not getattr(view_func, "csrf_exempt", False):
            try:
                request.POST  # noqa: B018 — parsed now so that a too-big field is answered with 413
            except RequestDataTooBig:
                return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if _is_api(request) and not settings.DEBUG and not isinstance(exception, Http404 | PermissionDenied):
            # The API answers in JSON even when it fails; the traceback goes to the log only.
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=exception,
                extra={"status_code": 500, "request": request},
            )
            response = JsonResponse(
                {
                    "detail": [
                        {
                            "loc": [],
                            "type": "server_error",
                            "msg": _(
                                "Something went wrong on our side. "
                                "It has been logged; please try again later."
                            ),
                        }
                    ]
                },
                status=500,
            )
            response._has_been_logged = True  # type: ignore[attr-defined]  # once, with the traceback
            return response
        return None


# The API's error messages (as pelatis.api words them) for errors Django answers before the API does.
API_ERRORS = {
    400: "Bad request.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}


API_ERROR_TYPES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "server_error"}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    """413 with what the limit is, in the request's language."""
    megabytes = max(1, limit // (1024 * 1024))
    message = _("The request is too large. The limit is %(mb)s MB.") % {"mb": megabytes}
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            {"detail": [{"loc": ["body"], "msg": message, "type": "too_large"}]}, status=413
        )
    else:
        response = render(request, "web/too_large.html", {"message": message}, status=413)
    # The rest of the body is never read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response
