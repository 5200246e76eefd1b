"""Feedback: CSAT after resolution and NPS on a schedule (signed one-click links), reviews and mentions,
sentiment of feedback text, and follow-up of unhappy customers."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "pelatis.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from pelatis.channels.jobs import JOBS
        from pelatis.channels.web import PORTAL_PANELS
        from pelatis.customers.services import MERGE_PARTICIPANTS
        from pelatis.customers.views import PANELS

        from .jobs import job_csat_surveys, job_nps_surveys
        from .panels import sentiment_panel
        from .portal import csat_portal_panel
        from .services.merge import feedback_move_to_customer

        JOBS.setdefault("csat_surveys", job_csat_surveys)
        JOBS.setdefault("nps_surveys", job_nps_surveys)
        # A customer merge carries the merged customer's surveys, reviews and opt-outs along.
        if feedback_move_to_customer not in MERGE_PARTICIPANTS:
            MERGE_PARTICIPANTS.append(feedback_move_to_customer)
        # The customer page shows what they told us; the request page asks for a rating once resolved.
        if sentiment_panel not in PANELS:
            PANELS.append(sentiment_panel)
        if csat_portal_panel not in PORTAL_PANELS:
            PORTAL_PANELS.append(csat_portal_panel)
        # Timeline entries link to what they stand for: a rating to its ticket, an NPS answer to its
        # campaign, a review to its page.
        from pelatis.customers.views import TIMELINE_LINKS

        TIMELINE_LINKS.setdefault("feedback.csatsurvey", _csat_links)
        TIMELINE_LINKS.setdefault("feedback.npsresponse", _nps_links)
        TIMELINE_LINKS.setdefault("feedback.review", _review_links)


def _csat_links(ids: list[str]) -> dict[str, str]:
    from django.urls import reverse

    from .models import CsatSurvey

    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("helpdesk:ticket", args=[ticket_id])
        for pk, ticket_id in CsatSurvey.objects.filter(pk__in=pks).values_list("pk", "ticket_id")
    }


def _nps_links(ids: list[str]) -> dict[str, str]:
    from django.urls import reverse

    from .models import NpsResponse

    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("feedback:campaign", args=[campaign_id])
        for pk, campaign_id in NpsResponse.objects.filter(pk__in=pks).values_list("pk", "campaign_id")
    }


def _review_links(ids: list[str]) -> dict[str, str]:
    from django.urls import reverse

    return {i: reverse("feedback:review", args=[int(i)]) for i in ids if i.isdigit()}
