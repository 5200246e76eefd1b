"""The public rating page behind the one-click links: signed, no login, nothing else reachable."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pelatis.web.ratelimit import client_key, over_limit

from .models import CsatSurvey
from .services import csat_answer, csat_from_token

# Clicks and comments per client: plenty for a customer, a wall for a link-guessing loop.
RATE_LIMIT = 30
RATE_WINDOW = 10 * 60


@never_cache
@require_http_methods(["GET", "POST"])
def rate_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET records the clicked rating (a second click changes it); POST adds the comment."""
    try:
        survey, score = csat_from_token(token)
    except (signing.BadSignature, CsatSurvey.DoesNotExist, KeyError, ValueError):
        return render(request, "feedback/link_invalid.html", status=404)
    if score not in range(1, 6):
        return render(request, "feedback/link_invalid.html", status=404)
    if over_limit(f"feedback:{client_key(request)}", limit=RATE_LIMIT, window=RATE_WINDOW):
        return HttpResponse(status=429, headers={"Retry-After": str(RATE_WINDOW)})
    with translation.override(survey.language):
        if request.method == "POST":
            survey = csat_answer(survey=survey, score=score, comment=request.POST.get("comment", ""))
            return render(request, "feedback/rated.html", {"survey": survey, "commented": True})
        survey = csat_answer(survey=survey, score=score)
        response = render(request, "feedback/rated.html", {"survey": survey, "token": token})
        response["X-Robots-Tag"] = "noindex"
        return response
