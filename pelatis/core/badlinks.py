"""A wall for link guessing: signed links (request pages, surveys, opt-outs, clicks) that fail
verification are counted per client; a client over the limit gets the wall's page instead of
"invalid link" for every further failure.

The signature is always checked first (an HMAC, cheap): a link we signed opens even from an address
the wall blocks, because mail providers, hotels and offices share one address with whoever sent the
bad links. So working links are never counted and never refused; a loop that tries altered or made-up
tokens meets the wall after a few tries, on every kind of signed link at once, and learns nothing more.
The counter lives in the configured cache, so every server process shares it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .ratelimit import client_key, counted, over_limit

# Failed link verifications per client and window; settings.PELATIS_BAD_LINK_LIMIT / _WINDOW override them.
LIMIT = 20
WINDOW = 15 * 60


def _limit() -> int:
    return int(getattr(settings, "PELATIS_BAD_LINK_LIMIT", LIMIT))


def _window() -> int:
    return int(getattr(settings, "PELATIS_BAD_LINK_WINDOW", WINDOW))


def _bucket(request: HttpRequest) -> str:
    return f"badlink:{client_key(request)}"


def bad_links_blocked(request: HttpRequest) -> bool:
    """True when this client already failed too many signed links in the window (nothing is counted)."""
    return counted(_bucket(request)) >= _limit()


def bad_link_record(request: HttpRequest) -> None:
    """Count one failed verification of a signed link against this client."""
    over_limit(_bucket(request), limit=_limit(), window=_window())


def bad_links_refused(request: HttpRequest, *, template: str) -> HttpResponse:
    """The 429 page a blocked client sees instead of the link's page, in the visitor's language."""
    response = render(request, template, {"minutes": max(1, _window() // 60)}, status=429)
    response["Retry-After"] = str(_window())
    # The path holds a (possibly real) token: keep it out of the request log.
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag, not in the stubs
    return response


Opened = TypeVar("Opened")


def signed_link_open(
    request: HttpRequest,
    open_token: Callable[[], Opened],
    *,
    errors: tuple[type[Exception], ...],
    invalid: Callable[[Exception], HttpResponse],
    wall_template: str = "channels/public/too_many_links.html",
) -> Opened | HttpResponse:
    """What a signed link stands for (``open_token()``), or the page that refuses it.

    A token that opens is returned whatever the wall says. One that raises one of ``errors`` counts a
    failure against the client and gets ``invalid(error)``, or the wall's 429 page once the client is
    over the limit."""
    try:
        return open_token()
    except errors as error:
        if bad_links_blocked(request):
            return bad_links_refused(request, template=wall_template)
        bad_link_record(request)
        return invalid(error)
