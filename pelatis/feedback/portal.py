"""The rating prompt on the customer's request page, once the request is resolved."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from pelatis.helpdesk.models import Ticket

from .jobs import SCALE
from .services import csat_survey_for, csat_token


def csat_portal_panel(ticket: Ticket) -> str:
    """The same five signed rating links as the email (one answer per request; a new click changes it)."""
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) or ticket.merged_into_id:
        return ""
    survey = csat_survey_for(ticket=ticket)
    labels = SCALE.get(survey.language, SCALE["en"])
    links = [
        (score, labels[score - 1], reverse("feedback:rate", args=[csat_token(survey, score)]))
        for score in range(1, 6)
    ]
    return render_to_string("feedback/_portal_prompt.html", {"survey": survey, "links": links})
