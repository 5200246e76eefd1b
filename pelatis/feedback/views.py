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
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.customers.models import Customer
from pelatis.helpdesk.services.tone import tone_check
from pelatis.helpdesk.views import HintView, _replacements  # the ticket composer's hint shape and template
from pelatis.web.http import int_or_none, is_htmx
from pelatis.web.ratelimit import client_key, over_limit

from . import queries
from .forms import NpsCampaignForm, ReviewAnswerForm, ReviewFilterForm
from .jobs import SCALE
from .models import CsatSurvey, FeedbackOptOut, NpsCampaign, NpsResponse, NpsRun, Review
from .services import csat_answer, csat_from_token
from .services.consent import feedback_opt_out, optout_from_token
from .services.nps import (
    DETRACTOR_MAX,
    TEXTS,
    nps_answer,
    nps_campaign_create,
    nps_campaign_run,
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
# Setting up and sending surveys is a manager's call, like the tags that segment them (accounts/roles.py):
# agents and read-only users see the campaigns and their answers only.
MANAGE_PERMISSION = "customers.change_tag"
MAX_TONE_CHARS = 20_000


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/link_invalid.html", status=404)


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
        response = render(request, "feedback/rated.html",
                          {"survey": survey, "token": token, "commented": comment is not None})
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
    """One click records "stop asking me for feedback" (a second click changes nothing)."""
    try:
        customer = optout_from_token(token)
    except (signing.BadSignature, Customer.DoesNotExist, KeyError, ValueError):
        return _invalid_link(request)
    if (limited := _limited(request)) is not None:
        return limited
    feedback_opt_out(customer=customer, source=FeedbackOptOut.Source.LINK)
    language = customer.language if customer.language in TEXTS else "en"
    with translation.override(language):
        page = render(request, "feedback/opted_out.html", {"customer": customer})
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
    page = Paginator(
        queries.review_list(
            platform=filters.get("platform", ""),
            unanswered=filters.get("unanswered", False),
            negative=filters.get("negative", False),
        ),
        PAGE_SIZE,
    )
    current = page.get_page(max(1, int_or_none(request.GET.get("page")) or 1))
    return render(
        request,
        "feedback/reviews.html",
        {
            "page": current,
            "reviews": list(current.object_list),
            "platforms": queries.review_platforms(),
            "filters": filters,
            "page_range": list(page.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
        },
    )


def _hints(text: str, review: Review) -> list[HintView]:
    """Tone hints for a public answer, in the review's language and the customer's form of address."""
    if not text.strip():
        return []
    formal = review.customer.formal if review.customer is not None else True
    language = review.language[:2] if review.language[:2] in ("el", "en") else None
    hints = tone_check(text[:MAX_TONE_CHARS], language=language, formal=formal)

    def utf16(index: int) -> int:  # the textarea counts UTF-16 units
        return len(text[:index].encode("utf-16-le")) // 2

    return [HintView(h, utf16(h.start), utf16(h.end), _replacements(h)) for h in hints]


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


class NpsScore(NamedTuple):
    asked: int
    answers: int
    promoters: int
    detractors: int

    @property
    def nps(self) -> int | None:
        """Promoters minus detractors, in % of the answers (-100…100); None before the first answer."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


def _can_manage(user: Any) -> bool:
    return bool(user.has_perm(MANAGE_PERMISSION))


def _campaign_for(user: Any, campaign_id: int, *, write: bool = False) -> NpsCampaign:
    """The campaign if ``user`` may see it (and manage it, with write=True); else 403/404."""
    if not user.has_perm(queries.VIEW_PERMISSION) or (write and not _can_manage(user)):
        raise PermissionDenied
    return get_object_or_404(NpsCampaign.objects.select_related("tag"), pk=campaign_id)


def _campaigns() -> QuerySet[NpsCampaign]:
    """Campaigns by name, each with its last run's time and counts."""
    last = NpsRun.objects.filter(campaign=OuterRef("pk")).order_by("-ran_at", "-id")
    return (
        NpsCampaign.objects.select_related("tag")
        .annotate(
            last_run_at=Subquery(last.values("ran_at")[:1]),
            last_run_sent=Subquery(last.values("sent")[:1]),
            last_run_failed=Subquery(last.values("failed")[:1]),
        )
        .order_by("name", "id")
    )


def _scores(campaign_ids: list[int]) -> dict[int, NpsScore]:
    """Surveys sent, answers, promoters and detractors of these campaigns, in one aggregate query."""
    rows = (
        NpsResponse.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values("campaign_id")
        .annotate(
            asked=Count("id"),
            answers=Count("id", filter=Q(score__isnull=False)),
            promoters=Count("id", filter=Q(score__gte=9)),
            detractors=Count("id", filter=Q(score__lte=DETRACTOR_MAX)),
        )
    )
    return {
        r["campaign_id"]: NpsScore(r["asked"], r["answers"], r["promoters"], r["detractors"]) for r in rows
    }


@require_GET
@login_required
def campaigns_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    page = Paginator(_campaigns(), PAGE_SIZE)
    current = page.get_page(max(1, int_or_none(request.GET.get("page")) or 1))
    campaigns = list(current.object_list)
    scores = _scores([c.pk for c in campaigns])
    empty = NpsScore(0, 0, 0, 0)
    return render(
        request,
        "feedback/campaigns.html",
        {
            "page": current,
            "rows": [(c, scores.get(c.pk, empty)) for c in campaigns],
            "can_manage": _can_manage(request.user),
            "page_range": list(page.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
        },
    )


@require_GET
@login_required
def campaign_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for(request.user, pk)
    answers = (
        NpsResponse.objects.filter(campaign=campaign, answered_at__isnull=False)
        .select_related("customer", "follow_up_ticket")
        .order_by("-answered_at", "-id")
    )
    page = Paginator(answers, PAGE_SIZE)
    current = page.get_page(max(1, int_or_none(request.GET.get("page")) or 1))
    return render(
        request,
        "feedback/campaign.html",
        {
            "campaign": campaign,
            "score": _scores([campaign.pk]).get(campaign.pk, NpsScore(0, 0, 0, 0)),
            "runs": list(campaign.runs.order_by("-ran_at", "-id")[:RUNS_SHOWN]),
            "page": current,
            "answers": list(current.object_list),
            "can_manage": _can_manage(request.user),
            "page_range": list(page.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
        },
    )


def _campaign_update(*, campaign: NpsCampaign, data: dict[str, Any]) -> NpsCampaign:
    """Saves the form's values on the campaign with the model's own checks; ValidationError names the field.

    The form applies nps_campaign_create's rules first; as that service does, a tag or a number of days
    that the chosen segment does not use is not kept.
    """
    with transaction.atomic():
        locked = NpsCampaign.objects.select_for_update().get(pk=campaign.pk)
        segment = data["segment"]
        locked.name = " ".join(data["name"].split())
        locked.segment = segment
        locked.tag = data["tag"] if segment == NpsCampaign.Segment.TAG else None
        locked.order_days = data["order_days"] if segment == NpsCampaign.Segment.RECENT_ORDER else None
        locked.interval_days = data["interval_days"]
        locked.active = data["active"]
        locked.full_clean()
        locked.save()
    return locked


@require_http_methods(["GET", "POST"])
@login_required
def campaign_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New campaign (no pk) or a campaign's settings; managers only."""
    if pk is None:
        if not (request.user.has_perm(queries.VIEW_PERMISSION) and _can_manage(request.user)):
            raise PermissionDenied
        campaign = None
    else:
        campaign = _campaign_for(request.user, pk, write=True)
    if request.method == "GET":
        initial = NpsCampaignForm.initial_for(campaign) if campaign is not None else None
        return render(request, "feedback/campaign_form.html", {"form": NpsCampaignForm(initial=initial),
                                                                "campaign": campaign})
    form = NpsCampaignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if campaign is None:
                campaign = nps_campaign_create(
                    name=data["name"],
                    segment=data["segment"],
                    tag=data["tag"],
                    order_days=data["order_days"],
                    interval_days=data["interval_days"],
                    active=data["active"],
                )
                messages.success(request, _("NPS campaign “%(name)s” created.") % {"name": campaign.name})
            else:
                campaign = _campaign_update(campaign=campaign, data=data)
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
    campaign = _campaign_for(request.user, pk, write=True)
    if not campaign.active:
        messages.error(request, _("This NPS campaign is paused: make it active to run it."))
        return redirect("feedback:campaign", campaign.pk)
    run = nps_campaign_run(campaign=campaign)
    text = _("%(sent)s sent, %(failed)s failed.") % {"sent": run.sent, "failed": run.failed}
    if run.failed:
        messages.warning(request, text + " " + _("The mail server refused a message: the next run tries again."))
    elif run.sent:
        messages.success(request, text)
    else:
        messages.info(request, text + " " + _("No customer is due right now."))
    return redirect("feedback:campaign", campaign.pk)
