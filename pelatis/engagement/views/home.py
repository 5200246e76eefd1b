"""Engagement's landing page (login): its four areas with how many of each there are, and the campaigns
that are sending or scheduled next."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ..models import Campaign, Journey, MessageTemplate, Segment


@dataclass(frozen=True)
class Area:
    key: str
    title: Promise
    blurb: Promise
    url: str | None  # None until the area's pages are installed
    count: int
    detail: str = ""


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@require_GET
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_module_perms("engagement"):
        raise PermissionDenied
    s = Campaign.Status
    campaigns = Campaign.objects.aggregate(
        total=Count("pk"),
        sending=Count("pk", filter=Q(status=s.SENDING)),
        scheduled=Count("pk", filter=Q(status=s.SCHEDULED)),
    )
    journeys = Journey.objects.aggregate(total=Count("pk"), active=Count("pk", filter=Q(active=True)))
    areas = [
        Area(
            "segments",
            _("Segments"),
            _("Who: saved filters over your customers, always up to date."),
            _url("engagement:segments"),
            Segment.objects.count(),
        ),
        Area(
            "templates",
            _("Message templates"),
            _("What: personal email and SMS texts, one version per language."),
            _url("engagement:templates"),
            MessageTemplate.objects.count(),
        ),
        Area(
            "campaigns",
            _("Campaigns"),
            _("One message to a segment, now or at a set time, with a hold-out group to measure it."),
            _url("engagement:campaigns"),
            campaigns["total"],
            str(_("%(sending)s sending, %(scheduled)s scheduled") % campaigns),
        ),
        Area(
            "journeys",
            _("Journeys"),
            _("Automatic sequences: welcome, check-in, renewal, birthday and name day, win-back."),
            _url("engagement:journeys"),
            journeys["total"],
            str(_("%(active)s active") % journeys),
        ),
    ]
    upcoming = list(
        Campaign.objects.filter(status__in=[s.SENDING, s.SCHEDULED]).order_by("scheduled_for", "pk")[:5]
    )
    return render(request, "engagement/home.html", {"areas": areas, "upcoming": upcoming})
