"""A wall for link guessing: signed links (request pages, surveys, opt-outs) that fail verification are
counted per client, and a client over the limit is refused before any token is looked at.

Working links are not counted, so a customer who clicks their own links never meets the wall; a loop
that tries altered or made-up tokens does, after a few tries, on every kind of signed link at once.
The counter lives in the configured cache, so every server process shares it.
"""

from __future__ import annotations

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
