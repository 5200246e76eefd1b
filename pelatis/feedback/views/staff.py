"""Staff feedback pages (login): the reviews and mentions list and a review's page with an answer form
and a live tone check; the NPS campaigns with their runs, answers and score, which managers set up and run.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import is_htmx, page_of, request_user
from pelatis.helpdesk.tonehints import HintView, hint_views

from .. import queries
from ..forms import NpsCampaignForm, ReviewAnswerForm, ReviewFilterForm
from ..models import NpsCampaign, Review
from ..nps_audiences import audience_labels
from ..services.nps import nps_campaign_create, nps_campaign_run, nps_campaign_update
from ..services.reviews import review_answer

PAGE_SIZE = 25
RUNS_SHOWN = 20


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
            review_answer(review=review, answer=form.cleaned_data["answer"], by=request_user(request))
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


def _label_audiences(campaigns: list[NpsCampaign]) -> None:
    """Give the campaigns aimed at a saved segment its name to show (one look-up for them all)."""
    aimed = [c for c in campaigns if c.segment == NpsCampaign.Segment.AUDIENCE]
    if aimed:
        labels = audience_labels()
        for campaign in aimed:
            campaign.audience_label = labels.get(campaign.audience, "")


@require_GET
@login_required
def campaigns_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    page, page_range = page_of(request, queries.campaign_list(), PAGE_SIZE)
    campaigns = list(page.object_list)
    _label_audiences(campaigns)
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
    _label_audiences([campaign])
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
