"""What feedback adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- The worker sends CSAT and NPS surveys when they are due.
- A customer merge carries the merged customer's surveys, reviews and opt-outs along.
- The customer page shows what they told us; the request page asks for a rating once resolved.
- Timeline entries link to what they stand for: a rating to its ticket, an NPS answer to its
  campaign, a review to its page.
"""

from __future__ import annotations

from django.urls import reverse

from .jobs import job_csat_surveys, job_nps_surveys
from .models import CsatSurvey, NpsResponse
from .panels import sentiment_panel
from .portal import csat_portal_panel
from .services.merge import feedback_move_to_customer


def _csat_links(ids: list[str]) -> dict[str, str]:
    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("helpdesk:ticket", args=[ticket_id])
        for pk, ticket_id in CsatSurvey.objects.filter(pk__in=pks).values_list("pk", "ticket_id")
    }


def _nps_links(ids: list[str]) -> dict[str, str]:
    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("feedback:campaign", args=[campaign_id])
        for pk, campaign_id in NpsResponse.objects.filter(pk__in=pks).values_list("pk", "campaign_id")
    }


def _review_links(ids: list[str]) -> dict[str, str]:
    return {i: reverse("feedback:review", args=[int(i)]) for i in ids if i.isdigit()}


PERIODIC_JOBS = {"csat_surveys": job_csat_surveys, "nps_surveys": job_nps_surveys}
CUSTOMER_MERGE_PARTICIPANTS = [feedback_move_to_customer]
CUSTOMER_PANELS = [sentiment_panel]
PORTAL_PANELS = [csat_portal_panel]
CUSTOMER_TIMELINE_LINKS = {
    "feedback.csatsurvey": _csat_links,
    "feedback.npsresponse": _nps_links,
    "feedback.review": _review_links,
}
from .personal_data import PARTICIPANT as _PERSONAL_DATA  # noqa: E402 — export and erasure (below)
from .segment_fields import SEGMENT_FIELDS as SEGMENT_FIELDS  # noqa: E402 — what segments can ask (pelatis.core.segmentfields)

# Surveys, NPS answers and reviews in a data-subject export and erasure (pelatis.core.personaldata).
PERSONAL_DATA = [_PERSONAL_DATA]

# Retention (privacy runs every app's RETENTION_POLICIES): survey links past their period.
from .retention import survey_links_expire  # noqa: E402 — appended by area

RETENTION_POLICIES = {"survey_links": survey_links_expire}
