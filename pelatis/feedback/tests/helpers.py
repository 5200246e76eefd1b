"""Feedback as the tests need it: a review as the webhook stores it, an NPS answer given some days ago."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.feedback.models import NpsResponse, Review
from pelatis.feedback.services import nps_answer, nps_campaign_create, review_ingest, review_input_clean


def review_add(**fields: Any) -> Review:
    """A review validated and stored as the webhook, the API and the CSV import store one."""
    review, _created = review_ingest(data=review_input_clean(fields))
    return review


def days_ago(days: int) -> str:
    """An ISO 8601 moment ``days`` before now, as integrators send ``published_at``."""
    return (timezone.now() - dt.timedelta(days=days)).isoformat()


def nps_answered(customer: Customer, *, score: int, comment: str, sent_days_ago: int) -> NpsResponse:
    """A new campaign's survey, sent to ``customer`` ``sent_days_ago`` days ago and answered now."""
    campaign = nps_campaign_create(name="NPS")
    sent = timezone.now() - dt.timedelta(days=sent_days_ago)
    response = NpsResponse.objects.create(
        campaign=campaign, customer=customer, sent_at=sent, ask_again_after=sent
    )
    return nps_answer(response=response, score=score, comment=comment)
