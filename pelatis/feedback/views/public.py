"""Public feedback pages (signed links, no login, rate limited): the CSAT rating page, the NPS score and
"why?" page, the "stop asking me" opt-out, and the signed review webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from pelatis.core.badlinks import signed_link_open
from pelatis.core.http import int_or_none
from pelatis.core.ratelimit import client_key, over_limit

from ..jobs import SCALE
from ..models import CsatSurvey, NpsResponse
from ..services import csat_answer, csat_from_token
from ..services.consent import feedback_opt_out, optout_from_token
from ..services.nps import TEXTS, nps_answer, nps_from_token, nps_question, nps_token
from ..services.reviews import review_ingest, review_input_clean

# Clicks and comments per client: plenty for a customer, a wall for a link-guessing loop.
RATE_LIMIT = 30
RATE_WINDOW = 10 * 60
# Deliveries per sender and minute: a platform's burst fits, a signature-guessing loop does not.
HOOK_RATE_LIMIT = 120
HOOK_MAX_BYTES = 256 * 1024
# A signed request is taken this many seconds either side of the server's clock, and never again later.
HOOK_WINDOW = 5 * 60
Answer = TypeVar("Answer", CsatSurvey, NpsResponse)
Opened = TypeVar("Opened")


def _invalid_link(request: HttpRequest) -> HttpResponse:
    response = render(request, "feedback/link_invalid.html", status=404)
    response._has_been_logged = True  # type: ignore[attr-defined]  # the path may hold a real token
    return response


def _signed_link(request: HttpRequest, open_token: Callable[[], Opened]) -> HttpResponse | Opened:
    """What a signed link stands for (``open_token()``), or the page that refuses it: a bad, expired or
    out-of-range token counts as a failure (``core.badlinks``: a working link opens whatever the wall
    says); a client over the rate limit waits."""
    opened = signed_link_open(
        request,
        open_token,
        errors=(signing.BadSignature, ObjectDoesNotExist, KeyError, ValueError),
        invalid=lambda _error: _invalid_link(request),
    )
    if isinstance(opened, HttpResponse):
        return opened
    if (limited := _limited(request)) is not None:
        return limited
    return opened


def _scored(opened: tuple[Answer, int], scores: range) -> tuple[Answer, int]:
    """A survey link's answer and score; ValueError when the score is not one the survey offers."""
    if opened[1] not in scores:
        raise ValueError(opened[1])
    return opened


def _limited(request: HttpRequest) -> HttpResponse | None:
    if over_limit(f"feedback:{client_key(request)}", limit=RATE_LIMIT, window=RATE_WINDOW):
        return HttpResponse(status=429, headers={"Retry-After": str(RATE_WINDOW)})
    return None


# ---------------------------------------------------------------- public: surveys


@never_cache
@require_http_methods(["GET", "POST"])
def rate_view(request: HttpRequest, token: str) -> HttpResponse:
    """The clicked rating is recorded by a POST the page sends at once (a mail scanner that fetches every
    link records nothing); a second click changes it; a POST with a comment adds the comment."""
    opened = _signed_link(request, lambda: _scored(csat_from_token(token), range(1, 6)))
    if isinstance(opened, HttpResponse):
        return opened
    survey, score = opened
    with translation.override(survey.language):
        labels = SCALE.get(survey.language, SCALE["en"])
        clicked = _one_click(
            request,
            survey,
            score=score,
            choice=f"{score}/5 · {labels[score - 1]}",
            record=partial(csat_answer, survey=survey),
        )
        if isinstance(clicked, HttpResponse):
            return clicked
        survey, commented = clicked
        response = render(
            request, "feedback/rated.html", {"survey": survey, "token": token, "commented": commented}
        )
    return _noindex(response)


def _noindex(response: HttpResponse) -> HttpResponse:
    """Pages behind signed links stay out of search engines."""
    response["X-Robots-Tag"] = "noindex"
    return response


def _one_click(
    request: HttpRequest,
    answer: Answer,
    *,
    score: int,
    choice: str,
    record: Callable[..., Answer],
) -> HttpResponse | tuple[Answer, bool]:
    """A one-click survey link: a GET of a score not yet recorded shows the page that posts it back at once
    (browsers run its script, link scanners in mail filters do not; a button serves browsers without
    JavaScript); a POST records the score, with the comment when one came (``record(score=, comment=)``).
    Returns that page, or the answer as it now stands and whether a comment came."""
    if request.method == "GET" and answer.score != score:
        return _noindex(render(request, "feedback/confirm.html", {"choice": choice}))
    if request.method != "POST":
        return answer, False
    comment = request.POST.get("comment")
    return record(score=score, comment=comment), comment is not None


@never_cache
@require_http_methods(["GET", "POST"])
def nps_view(request: HttpRequest, token: str) -> HttpResponse:
    """As :func:`rate_view`: the page posts the clicked 0–10 score back (another click changes it); a POST
    with a comment adds the "why?"."""
    opened = _signed_link(request, lambda: _scored(nps_from_token(token), range(11)))
    if isinstance(opened, HttpResponse):
        return opened
    response, score = opened
    language = response.language if response.language in TEXTS else "en"
    with translation.override(language):
        clicked = _one_click(
            request,
            response,
            score=score,
            choice=f"{score}/10",
            record=partial(nps_answer, response=response),
        )
        if isinstance(clicked, HttpResponse):
            return clicked
        response, commented = clicked
        page = render(
            request,
            "feedback/nps.html",
            {
                "response": response,
                "token": token,
                "commented": commented,
                "question": nps_question(language, formal=response.customer.formal),
                "scores": [(n, reverse("feedback:nps", args=[nps_token(response, n)])) for n in range(11)],
            },
        )
    return _noindex(page)


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a session; the token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def optout_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link shows what it will do; only a POST records "stop asking me for feedback" (the page's button,
    or a mail client's RFC 8058 one-click unsubscribe), so a mail filter fetching the link changes nothing.
    A second POST changes nothing."""
    customer = _signed_link(request, lambda: optout_from_token(token))
    if isinstance(customer, HttpResponse):
        return customer
    if request.method == "POST":
        feedback_opt_out(customer=customer, source="link")
    language = customer.language if customer.language in TEXTS else "en"
    with translation.override(language):
        template = "feedback/opted_out.html" if request.method == "POST" else "feedback/optout_confirm.html"
        page = render(request, template, {"customer": customer})
    return _noindex(page)


# ---------------------------------------------------------------- public: review webhook


def _hook_error(
    message: str, *, status: int = 400, field: str | None = None, errors: dict[str, list[str]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"error": message, "field": field}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def signature_valid(secret: str, body: bytes, header: str, timestamp: str) -> bool:
    """``X-Pelatis-Signature: sha256=<hex>``: HMAC-SHA256 of ``<X-Pelatis-Timestamp>.<raw body>``, compared
    in constant time; the timestamp is signed with the body, so an old request cannot be sent again with a
    fresh one."""
    scheme, _sep, given = (header or "").strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        return False
    signed = timestamp.encode("ascii", "replace") + b"." + body
    expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def timestamp_fresh(timestamp: str, *, now: float | None = None) -> bool:
    """True when ``X-Pelatis-Timestamp`` (Unix seconds) is within HOOK_WINDOW of this server's clock."""
    seconds = int_or_none(timestamp)
    if seconds is None:
        return False
    return abs((time.time() if now is None else now) - seconds) <= HOOK_WINDOW


@csrf_exempt  # platforms post without a session: the HMAC signature is the proof
@require_POST
def review_hook_view(request: HttpRequest) -> JsonResponse:
    """A review or mention pushed by a platform or a connector: signed JSON, stored once per (platform, id)."""
    if over_limit(f"reviewhook:{client_key(request)}", limit=HOOK_RATE_LIMIT, window=60):
        return _hook_error("Too many requests: slow down and retry in a minute.", status=429)
    secret = getattr(settings, "PELATIS_REVIEW_WEBHOOK_SECRET", "")
    if not secret:
        return _hook_error("The review webhook is not configured on this server.", status=503)
    if (int_or_none(request.headers.get("Content-Length")) or 0) > HOOK_MAX_BYTES:
        return _hook_error("The body is too large.", status=413)
    body = request.body
    header = request.headers.get("X-Pelatis-Signature", "")
    if not header:
        return _hook_error("The X-Pelatis-Signature header is missing.", status=401)
    timestamp = request.headers.get("X-Pelatis-Timestamp", "").strip()
    if not timestamp:
        return _hook_error("The X-Pelatis-Timestamp header is missing.", status=401)
    if not signature_valid(secret, body, header, timestamp):
        return _hook_error("The signature does not match the timestamp and the body.", status=401)
    if not timestamp_fresh(timestamp):
        # A replay of an old request (or a connector whose clock is off): its signature is genuine.
        return _hook_error(
            f"The timestamp is more than {HOOK_WINDOW // 60} minutes away from this server's clock.",
            status=401,
        )
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _hook_error("The body is not JSON.")
    if not isinstance(payload, dict):
        return _hook_error("The body must be a JSON object.")
    with translation.override("en"):  # integrators read the errors: one language, the field names as sent
        try:
            data = review_input_clean(payload)
        except ValidationError as exc:
            errors = exc.message_dict
            first = next(iter(errors))
            return _hook_error(f"{first}: {errors[first][0]}", field=first, errors=errors)
    review, created = review_ingest(data=data)
    return JsonResponse(
        {
            "id": review.pk,
            "created": created,
            "follow_up_ticket": review.follow_up_ticket_id,
            "customer": review.customer_id,
        },
        status=201 if created else 200,
    )
