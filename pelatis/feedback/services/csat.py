"""CSAT: create the survey for a resolved ticket, record answers, close the loop on unhappy ones."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.core.hooks import contributions
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open

from ..models import CsatSurvey
from ..retention import survey_link_open
from ..sentiment import text_sentiment

SALT = "pelatis.csat"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a rating link works for 30 days
UNHAPPY = {1, 2}


def csat_token(survey: CsatSurvey, score: int) -> str:
    """The signed token of one rating link (survey and score inside; nothing guessable)."""
    return signing.dumps({"s": survey.pk, "v": score}, salt=SALT)


def csat_from_token(token: str) -> tuple[CsatSurvey, int]:
    """The survey and score a link stands for; raises signing.BadSignature (incl. expiry) or CsatSurvey.DoesNotExist."""
    data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    # An erased customer's old links open nothing (raising DoesNotExist, like a deleted survey).
    surveys = CsatSurvey.objects.select_related("ticket", "customer").exclude(
        customer__erased_at__isnull=False
    )
    survey = surveys.get(pk=int(data["s"]))
    if not survey_link_open(survey.sent_at, timezone.now()):  # the retention period has passed
        raise signing.SignatureExpired
    return survey, int(data["v"])


@transaction.atomic
def csat_survey_for(*, ticket: Ticket) -> CsatSurvey:
    """The ticket's survey, created once (idempotent: the worker may ask twice)."""
    survey, _created = CsatSurvey.objects.get_or_create(
        ticket=ticket,
        defaults={
            "customer_id": ticket.customer_id,
            "language": (ticket.customer.language or ticket.language or "el")[:2],
        },
    )
    return survey


@transaction.atomic
def csat_answer(*, survey: CsatSurvey, score: int, comment: str | None = None) -> CsatSurvey:
    """Record (or change) the rating; a rating of 1–2 opens a follow-up ticket once."""
    if score not in range(1, 6):
        raise ValidationError({"score": [_("Choose a rating from 1 to 5.")]})
    locked = CsatSurvey.objects.select_for_update().select_related("ticket", "customer").get(pk=survey.pk)
    first = locked.answered_at is None
    locked.score = score
    if comment is not None:
        locked.comment = comment.strip()[:4000]
        locked.sentiment_label, locked.sentiment_score, _lang = text_sentiment(locked.comment)
    locked.answered_at = timezone.now()
    if score in UNHAPPY and locked.follow_up_ticket_id is None:
        follow_up, _m = ticket_open(
            customer=locked.customer,
            type=Ticket.Type.COMPLAINT,
            priority=Ticket.Priority.HIGH,
            channel="web",
            subject=timeline_text(
                gettext_noop("Unhappy with request #%(id)s (rating %(score)s/5)"),
                id=locked.ticket_id,
                score=score,
            ),
            mail=InboundMail(body_text=locked.comment or timeline_text(gettext_noop("No comment given."))),
        )
        locked.follow_up_ticket = follow_up
    locked.save()
    if first or comment is not None:
        interaction_record(
            customer=locked.customer,
            channel="web",
            direction="in",
            source_type="feedback.csatsurvey",
            source_id=str(locked.pk),
            summary=timeline_text(
                gettext_noop("Rated request #%(id)s: %(score)s/5"), id=locked.ticket_id, score=score
            ),
            body=locked.comment,
        )
    told = {
        "kind": "csat",
        "customer_id": locked.customer_id,
        "object_id": locked.pk,
        "score": score,
        "is_compliment": score == 5,
    }
    transaction.on_commit(lambda: [hook(**told) for hook in contributions("FEEDBACK_RECEIVED")])
    return locked
