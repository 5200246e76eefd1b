"""Public tracking links (no login, signed, rate limited): a click in a message is recorded and then
redirected to the address signed into it (an altered link gets 400, never a redirect elsewhere); the
open pixel marks the message opened and always answers with the same transparent GIF."""

from __future__ import annotations

import base64

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pelatis.core.badlinks import bad_link_record, signed_link_open
from pelatis.core.ratelimit import client_key, over_limit

from ..services.tracking import click_from_token, click_record, open_from_token, open_record

# Clicks and opens per client: a whole newsletter read twice fits, a loop does not.
RATE_LIMIT = 120
RATE_WINDOW = 10 * 60
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_TOKEN_ERRORS = (signing.BadSignature, KeyError, ValueError, TypeError)


def _limited(request: HttpRequest) -> bool:
    return over_limit(f"engagement:track:{client_key(request)}", limit=RATE_LIMIT, window=RATE_WINDOW)


def _unlogged(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    response._has_been_logged = True  # type: ignore[attr-defined]  # the path holds a token; Django's own flag
    return response


@never_cache
@require_GET
def click_view(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click (unless the client is over the rate limit) and go to the signed address."""
    opened = signed_link_open(
        request,
        lambda: click_from_token(token),
        errors=_TOKEN_ERRORS,
        # The site's own page, in the reader's language; still a 400 and never a redirect.
        invalid=lambda _error: _unlogged(
            render(request, "channels/public/link_invalid.html", {"expired": False}, status=400)
        ),
    )
    if isinstance(opened, HttpResponse):
        return opened
    send_id, target = opened
    if not _limited(request):
        click_record(send_id=send_id)
    return _unlogged(HttpResponseRedirect(target))


@never_cache
@require_GET
def open_view(request: HttpRequest, token: str) -> HttpResponse:
    """The 1×1 GIF; a valid token within the rate limit marks the message opened."""
    try:
        send_id = open_from_token(token)
    except _TOKEN_ERRORS:
        bad_link_record(request)
        send_id = None
    if send_id is not None and not _limited(request):
        open_record(send_id=send_id)
    return _unlogged(HttpResponse(PIXEL, content_type="image/gif"))
