"""Campaign pages (login): the list, a campaign's page, the draft form, and the launch, schedule and cancel
buttons. Everyone with engagement's view permission reads them; managers write, launch and cancel."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import page_of, request_user

from .. import queries_campaigns as queries
from ..forms_campaigns import CampaignForm
from ..models import Campaign
from ..results import campaign_results, campaigns_summary
from ..services.campaigns import (
    CANCELLABLE,
    EDITABLE,
    LAUNCHABLE,
    campaign_cancel,
    campaign_create,
    campaign_launch,
    campaign_schedule,
    campaign_update,
)

PAGE_SIZE = 25


@require_GET
@login_required
def campaigns_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    page, page_range = page_of(request, queries.campaign_list(), PAGE_SIZE)
    campaigns = list(page.object_list)
    summary = campaigns_summary(c.pk for c in campaigns)
    empty = {"audience": 0, "sent": 0, "clicked": 0, "held_out": 0}
    return render(
        request,
        "engagement/campaigns.html",
        {
            "page": page,
            "page_range": page_range,
            "rows": [(c, summary.get(c.pk, empty)) for c in campaigns],
            "can_manage": queries.can_manage_campaigns(request.user),
        },
    )


def _audience_words(campaign: Campaign) -> dict[str, str]:
    """The template's purpose and the channel as the pages name them («Προωθητικά», «Email»)."""
    return {"purpose": campaign.template.get_purpose_display(), "channel": campaign.get_channel_display()}


@require_GET
@login_required
def campaign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign with its figures; before the launch who it would reach now, while sending how many
    wait for their quiet hours to end, and after an empty run why nobody received it."""
    campaign = queries.campaign_for(request.user, pk)
    started = campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)
    results = campaign_results(campaign) if started else None
    explain_empty = results is not None and results.audience == 0 and campaign.status == Campaign.Status.DONE
    return render(
        request,
        "engagement/campaign.html",
        {
            "campaign": campaign,
            "results": results,
            "reach": queries.campaign_reach(campaign) if not started or explain_empty else None,
            "explain_empty": explain_empty,
            "waiting": queries.campaign_waiting(campaign),
            "words": _audience_words(campaign),
            "can_manage": queries.can_manage_campaigns(request.user),
            "can_edit": campaign.status in EDITABLE,
            "can_launch": campaign.status in LAUNCHABLE,
            "can_schedule": campaign.status == Campaign.Status.DRAFT,
            "can_cancel": campaign.status in CANCELLABLE,
            "zone": settings.TIME_ZONE,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new draft (no pk) or a draft's or scheduled campaign's settings; managers only. "Send at" is read
    and shown in the business's time zone, whoever's browser it is."""
    if pk is None:
        if not (
            request.user.has_perm(queries.VIEW_PERMISSION) and queries.can_manage_campaigns(request.user)
        ):
            raise PermissionDenied
        campaign = None
    else:
        campaign = queries.campaign_for(request.user, pk, write=True)
        if campaign.status not in EDITABLE:
            messages.error(request, _("This campaign has started: it can no longer be changed."))
            return redirect("engagement:campaign", campaign.pk)
    with timezone.override(settings.TIME_ZONE):
        if request.method == "GET":
            initial = CampaignForm.initial_for(campaign) if campaign is not None else None
            context = {"form": CampaignForm(initial=initial), "campaign": campaign}
            return render(request, "engagement/campaign_form.html", context)
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                if campaign is None:
                    campaign = campaign_create(data=form.as_input(), by=request_user(request))
                    messages.success(
                        request, _("Campaign “%(name)s” saved as a draft.") % {"name": campaign.name}
                    )
                else:
                    campaign = campaign_update(campaign=campaign, data=form.as_input())
                    messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("engagement:campaign", campaign.pk)
        context = {"form": form, "campaign": campaign}
        return render(request, "engagement/campaign_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_launch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first, showing how many customers it reaches now; the POST from that page starts sending
    (the worker sends in batches; a second press starts nothing). A POST without the confirmation (an
    old page, a stray form) is sent to the question, never launched."""
    campaign = queries.campaign_for(request.user, pk, write=True)
    if campaign.status not in LAUNCHABLE:
        messages.info(request, _("This campaign has already started or was cancelled."))
        return redirect("engagement:campaign", campaign.pk)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        context = {
            "campaign": campaign,
            "reach": queries.campaign_reach(campaign),
            "words": _audience_words(campaign),
            "zone": settings.TIME_ZONE,
        }
        return render(request, "engagement/campaign_launch.html", context)
    try:
        launched = campaign_launch(campaign_id=campaign.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if launched:
            messages.success(request, _("Sending has started: the worker sends it in batches."))
        else:
            messages.info(request, _("This campaign has already started or was cancelled."))
    return redirect("engagement:campaign", campaign.pk)


@require_POST
@login_required
def campaign_schedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk, write=True)
    try:
        campaign = campaign_schedule(campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        with timezone.override(settings.TIME_ZONE):
            when = date_format(timezone.localtime(campaign.scheduled_for), "SHORT_DATETIME_FORMAT")
        messages.success(request, _("Scheduled: the worker launches it on %(when)s.") % {"when": when})
    return redirect("engagement:campaign", campaign.pk)


@require_POST
@login_required
def campaign_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk, write=True)
    if campaign_cancel(campaign=campaign):
        messages.success(request, _("Campaign cancelled: nothing more is sent."))
    else:
        messages.info(request, _("This campaign had already finished or was cancelled."))
    return redirect("engagement:campaign", campaign.pk)
