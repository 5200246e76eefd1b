"""Feedback pages.

Public (signed links, no login, rate limited): the CSAT rating page, the NPS score and "why?" page,
the "stop asking me" opt-out, and the signed review webhook. Staff (login): the reviews and mentions
list and a review's page with an answer form and a live tone check; the NPS campaigns with their runs,
answers and score, which managers set up and run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.badlinks import bad_link_record, bad_links_blocked, bad_links_refused
from pelatis.core.http import int_or_none, is_htmx, page_of
from pelatis.core.ratelimit import client_key, over_limit
from pelatis.customers.models import Customer
from pelatis.helpdesk.tonehints import HintView, hint_views

from . import queries
from .forms import NpsCampaignForm, ReviewAnswerForm, ReviewFilterForm
from .jobs import SCALE
from .models import CsatSurvey, FeedbackOptOut, NpsResponse, Review
from .services import csat_answer, csat_from_token
from .services.consent import feedback_opt_out, optout_from_token
from .services.nps import (
    TEXTS,
    nps_answer,
    nps_campaign_create,
    nps_campaign_run,
    nps_campaign_update,
    nps_from_token,
    nps_question,
    nps_token,
)
from .services.reviews import review_answer, review_ingest, review_input_clean

# Clicks and comments per client: plenty for a customer, a wall for a link-guessing loop.
RATE_LIMIT = 30
RATE_WINDOW = 10 * 60
# Deliveries per sender and minute: a platform's burst fits, a signature-guessing loop does not.
HOOK_RATE_LIMIT = 120
HOOK_MAX_BYTES = 256 * 1024
PAGE_SIZE = 25
RUNS_SHOWN = 20


def _invalid_link(request: HttpRequest) -> HttpResponse:
    bad_link_record(request)
    response = render(request, "feedback/link_invalid.html", status=404)
    response._has_been_logged = True  # type: ignore[attr-defined]  # the path may hold a real token
    return response


def _blocked(request: HttpRequest) -> HttpResponse | None:
    """A client that failed too many signed links is refused before its token is looked at."""
    if bad_links_blocked(request):
        return bad_links_refused(request, template="channels/public/too_many_links.html")
    return None


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
    if (blocked := _blocked(request)) is not None:
        return blocked
    try:
        survey, score = csat_from_token(token)
    except (signing.BadSignature, CsatSurvey.DoesNotExist, KeyError, ValueError):
        return _invalid_link(request)
    if score not in range(1, 6):
        return _invalid_link(request)
    if (limited := _limited(request)) is not None:
        return limited
    with translation.override(survey.language):
        if request.method == "GET" and survey.score != score:
            labels = SCALE.get(survey.language, SCALE["en"])
            return _confirm(request, f"{score}/5 · {labels[score - 1]}")
        comment = request.POST.get("comment") if request.method == "POST" else None
        if request.method == "POST":
            survey = csat_answer(survey=survey, score=score, comment=comment)
        response = render(
            request,
            "feedback/rated.html",
            {"survey": survey, "token": token, "commented": comment is not None},
        )
        response["X-Robots-Tag"] = "noindex"
        return response


def _confirm(request: HttpRequest, choice: str) -> HttpResponse:
    """The page behind a one-click link: it posts the choice back at once (browsers run the script, link
    scanners in mail filters do not), with a button for browsers without JavaScript."""
    response = render(request, "feedback/confirm.html", {"choice": choice})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def nps_view(request: HttpRequest, token: str) -> HttpResponse:
    """As :func:`rate_view`: the page posts the clicked 0–10 score back (another click changes it); a POST
    with a comment adds the "why?"."""
    if (blocked := _blocked(request)) is not None:
        return blocked
    try:
        response, score = nps_from_token(token)
    except (signing.BadSignature, NpsResponse.DoesNotExist, KeyError, ValueError):
        return _invalid_link(request)
    if score not in range(11):
        return _invalid_link(request)
    if (limited := _limited(request)) is not None:
        return limited
    language = response.language if response.language in TEXTS else "en"
    with translation.override(language):
        if request.method == "GET" and response.score != score:
            return _confirm(request, f"{score}/10")
        comment = request.POST.get("comment") if request.method == "POST" else None
        if request.method == "POST":
            response = nps_answer(response=response, score=score, comment=comment)
        page = render(
            request,
            "feedback/nps.html",
            {
                "response": response,
                "token": token,
                "commented": comment is not None,
                "question": nps_question(language, formal=response.customer.formal),
                "scores": [(n, reverse("feedback:nps", args=[nps_token(response, n)])) for n in range(11)],
            },
        )
    page["X-Robots-Tag"] = "noindex"
    return page


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a session; the token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def optout_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link shows what it will do; only a POST records "stop asking me for feedback" (the page's button,
    or a mail client's RFC 8058 one-click unsubscribe), so a mail filter fetching the link changes nothing.
    A second POST changes nothing."""
    if (blocked := _blocked(request)) is not None:
        return blocked
    try:
        customer = optout_from_token(token)
    except (signing.BadSignature, Customer.DoesNotExist, KeyError, ValueError):
        return _invalid_link(request)
    if (limited := _limited(request)) is not None:
        return limited
    if request.method == "POST":
        feedback_opt_out(customer=customer, source=FeedbackOptOut.Source.LINK)
    language = customer.language if customer.language in TEXTS else "en"
    with translation.override(language):
        template = "feedback/opted_out.html" if request.method == "POST" else "feedback/optout_confirm.html"
        page = render(request, template, {"customer": customer})
    page["X-Robots-Tag"] = "noindex"
    return page


# ---------------------------------------------------------------- public: review webhook


def _hook_error(
    message: str, *, status: int = 400, field: str | None = None, errors: dict[str, list[str]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"error": message, "field": field}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """``X-Pelatis-Signature: sha256=<hex>``: HMAC-SHA256 of the raw body, compared in constant time."""
    scheme, _sep, given = (header or "").strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


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
    if not signature_valid(secret, body, header):
        return _hook_error("The signature does not match the body.", status=401)
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


# ---------------------------------------------------------------- staff: reviews and mentions


@require_GET
@login_required
def reviews_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page, page_range = page_of(
        request,
        queries.review_list(
            platform=filters.get("platform", ""),
            unanswered=filters.get("unanswered", False),
            negative=filters.get("negative", False),
        ),
        PAGE_SIZE,
    )
    return render(
        request,
        "feedback/reviews.html",
        {
            "page": page,
            "reviews": list(page.object_list),
            "platforms": queries.review_platforms(),
            "filters": filters,
            "page_range": page_range,
        },
    )


def _hints(text: str, review: Review) -> list[HintView]:
    """Tone hints for a public answer, in the review's language and the customer's form of address."""
    formal = review.customer.formal if review.customer is not None else True
    language = review.language[:2] if review.language[:2] in ("el", "en") else None
    return hint_views(text, language=language, formal=formal)


def _review_page(
    request: HttpRequest, review: Review, form: ReviewAnswerForm | None = None, status: int = 200
) -> HttpResponse:
    can_answer = queries.can_answer(request.user)
    body = form.data.get("answer", "") if form is not None and form.is_bound else review.answer
    body = (body or "").replace("\r\n", "\n")
    return render(
        request,
        "feedback/review.html",
        {
            "review": review,
            "can_answer": can_answer,
            "form": form or ReviewAnswerForm(),
            "body": body,
            "hints": _hints(body, review) if can_answer else [],
            "checked": bool(body.strip()),
        },
        status=status,
    )


@require_GET
@login_required
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, queries.review_for(request.user, pk))


@require_POST
@login_required
def review_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = queries.review_for(request.user, pk, write=True)
    form = ReviewAnswerForm(request.POST)
    if form.is_valid():
        try:
            review_answer(review=review, answer=form.cleaned_data["answer"], by=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Answer saved. Copy it to the platform to publish it."))
            url = reverse("feedback:review", args=[review.pk]) + "#answer"
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": url})
            return redirect(url)
    return _review_page(request, review, form, status=422)


@require_POST
@login_required
def review_tone_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The live tone check of the answer box: the hints partial."""
    review = queries.review_for(request.user, pk, write=True)
    text = request.POST.get("answer", "").replace("\r\n", "\n")
    return render(
        request, "helpdesk/_tone_hints.html", {"hints": _hints(text, review), "checked": bool(text.strip())}
    )


# ---------------------------------------------------------------- staff: NPS campaigns


@require_GET
@login_required
def campaigns_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    page, page_range = page_of(request, queries.campaign_list(), PAGE_SIZE)
    campaigns = list(page.object_list)
    scores = queries.campaign_scores([c.pk for c in campaigns])
    return render(
        request,
        "feedback/campaigns.html",
        {
            "page": page,
            "page_range": page_range,
            "can_manage": queries.can_manage_campaigns(request.user),
            "rows": [(c, scores.get(c.pk, queries.NO_SCORE)) for c in campaigns],
        },
    )


@require_GET
@login_required
def campaign_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    page, page_range = page_of(request, queries.campaign_answers(campaign), PAGE_SIZE)
    return render(
        request,
        "feedback/campaign.html",
        {
            "campaign": campaign,
            "score": queries.campaign_scores([campaign.pk]).get(campaign.pk, queries.NO_SCORE),
            "runs": list(campaign.runs.order_by("-ran_at", "-id")[:RUNS_SHOWN]),
            "page": page,
            "page_range": page_range,
            "answers": list(page.object_list),
            "can_manage": queries.can_manage_campaigns(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New campaign (no pk) or a campaign's settings; managers only."""
    if pk is None:
        if not (
            request.user.has_perm(queries.VIEW_PERMISSION) and queries.can_manage_campaigns(request.user)
        ):
            raise PermissionDenied
        campaign = None
    else:
        campaign = queries.campaign_for(request.user, pk, write=True)
    if request.method == "GET":
        initial = NpsCampaignForm.initial_for(campaign) if campaign is not None else None
        return render(
            request,
            "feedback/campaign_form.html",
            {"form": NpsCampaignForm(initial=initial), "campaign": campaign},
        )
    form = NpsCampaignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if campaign is None:
                campaign = nps_campaign_create(**data)
                messages.success(request, _("NPS campaign “%(name)s” created.") % {"name": campaign.name})
            else:
                campaign = nps_campaign_update(campaign=campaign, **data)
                messages.success(request, _("NPS campaign “%(name)s” saved.") % {"name": campaign.name})
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("feedback:campaign", campaign.pk)
    return render(request, "feedback/campaign_form.html", {"form": form, "campaign": campaign}, status=422)


@require_POST
@login_required
def campaign_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the campaign's due surveys now, as the worker would; the counts come back as a message."""
    campaign = queries.campaign_for(request.user, pk, write=True)
    if not campaign.active:
        messages.error(request, _("This NPS campaign is paused: make it active to run it."))
        return redirect("feedback:campaign", campaign.pk)
    run = nps_campaign_run(campaign=campaign)
    text = _("%(sent)s sent, %(failed)s failed.") % {"sent": run.sent, "failed": run.failed}
    if run.failed:
        messages.warning(
            request, text + " " + _("The mail server refused a message: the next run tries again.")
        )
    elif run.sent:
        messages.success(request, text)
    else:
        messages.info(request, text + " " + _("No customer is due right now."))
    return redirect("feedback:campaign", campaign.pk)
