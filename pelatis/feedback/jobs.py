"""The worker's survey jobs: CSAT once a little after resolution, NPS on each campaign's schedule.

Both ask in the customer's language and never ask a customer who opted out of feedback.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.channels.outbound import ticket_email_send
from pelatis.helpdesk.models import Ticket

from .models import CsatSurvey, NpsCampaign
from .services import csat_survey_for, csat_token
from .services.consent import feedback_opted_out, opted_out_ids, optout_token
from .services.nps import BATCH, nps_campaign_run

log = logging.getLogger(__name__)
ASK_AFTER = dt.timedelta(hours=1)  # let "resolved" settle: a quick reopen sends nothing
SCALE = {
    "el": ["Πολύ δυσαρεστημένος", "Δυσαρεστημένος", "Ουδέτερος", "Ικανοποιημένος", "Πολύ ικανοποιημένος"],
    "en": ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
}


def csat_send(ticket_id: int, *, base_url: str | None = None) -> bool:
    """Send the rating email for a resolved ticket once; True when sent.

    Claim, send, record: the survey is marked sent in a short transaction under the ticket's lock (a
    second worker then finds it sent), the email goes out after that commits with no lock held, and a
    refused or timed-out send gives the claim back so the next run tries again.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()
            .select_related("customer")
            .filter(pk=ticket_id, status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
            .first()
        )
        if ticket is None or ticket.merged_into_id or feedback_opted_out(ticket.customer):
            return False
        survey = csat_survey_for(ticket=ticket)
        if survey.sent_at is not None:
            return False
        claimed_at = timezone.now()
        CsatSurvey.objects.filter(pk=survey.pk).update(sent_at=claimed_at)
    language = survey.language if survey.language in SCALE else "en"
    base_url = settings.PELATIS_BASE_URL if base_url is None else base_url
    links = [
        (
            score,
            SCALE[language][score - 1],
            base_url + reverse("feedback:rate", args=[csat_token(survey, score)]),
        )
        for score in range(1, 6)
    ]
    with translation.override(language):
        subject = translation.gettext("How did we do?")
    stop_url = base_url + reverse("feedback:optout", args=[optout_token(ticket.customer)])
    try:
        # Automatic mail (a vacation reply must not answer it) that the customer can stop in one click.
        ticket_email_send(
            ticket,
            subject=subject,
            template="feedback/email/csat",
            context={"links": links, "stop_url": stop_url, "auto": "auto-generated"},
            unsubscribe_url=stop_url,
        )
    except OSError as exc:
        log.warning("CSAT for ticket %s not sent: %s", ticket.pk, exc.__class__.__name__)
        CsatSurvey.objects.filter(pk=survey.pk, sent_at=claimed_at).update(sent_at=None)
        return False
    return True


def job_csat_surveys() -> str:
    cutoff = timezone.now() - ASK_AFTER
    ids = list(
        Ticket.objects.filter(
            status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
            resolved_at__lte=cutoff,
            merged_into__isnull=True,
            channel__in=["email", "web"],
        )
        .exclude(csat__sent_at__isnull=False)
        .exclude(customer_id__in=opted_out_ids())
        .values_list("pk", flat=True)[:200]
    )
    sent = sum(csat_send(pk) for pk in ids)
    return f"{sent} CSAT surveys"


def job_nps_surveys() -> str:
    """Due NPS surveys of the active campaigns, at most BATCH a run; a rerun sends nothing twice."""
    left = BATCH
    sent = 0
    for campaign in NpsCampaign.objects.filter(active=True).order_by("pk"):
        if left <= 0:
            break
        run = nps_campaign_run(campaign=campaign, limit=left)
        sent += run.sent
        left -= run.sent + run.failed
        if run.failed:  # the mail server is down: the next run tries again
            break
    return f"{sent} NPS surveys"
