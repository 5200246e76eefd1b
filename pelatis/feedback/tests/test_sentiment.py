"""Sentiment of every feedback text is stored; it is shown only where it beats guessing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create, customer_merge
from pelatis.feedback.demo import feedback_demo
from pelatis.feedback.models import CsatSurvey, NpsResponse, Review
from pelatis.feedback.queries import sentiment_history
from pelatis.feedback.sentiment import sentiment_shown
from pelatis.feedback.services import csat_answer
from pelatis.feedback.tests.helpers import days_ago, nps_answered, review_add

pytestmark = pytest.mark.django_db


def test_shown_for_greek_and_english_only() -> None:
    assert sentiment_shown("el")
    assert sentiment_shown("en")
    assert sentiment_shown("el-GR")
    assert not sentiment_shown("de")
    assert not sentiment_shown("")
    assert not sentiment_shown(None)


def test_csat_comment_gets_its_sentiment(papadopoulos: Any, open_ticket: Any) -> None:
    survey = CsatSurvey.objects.create(ticket=open_ticket(papadopoulos), customer=papadopoulos)
    csat_answer(survey=survey, score=4)
    survey.refresh_from_db()
    assert (survey.sentiment_label, survey.sentiment_score) == ("", None)  # no comment, no sentiment
    survey = csat_answer(survey=survey, score=4, comment="Πολύ γρήγορη και ευγενική εξυπηρέτηση, ευχαριστώ!")
    survey.refresh_from_db()
    assert survey.sentiment_label == "positive"
    assert survey.sentiment_score is not None
    assert survey.sentiment_score > 0.2


def test_history_brings_the_three_sources_together_newest_first(papadopoulos: Any, open_ticket: Any) -> None:
    survey = CsatSurvey.objects.create(ticket=open_ticket(papadopoulos), customer=papadopoulos)
    csat_answer(survey=survey, score=2, comment="Απαράδεκτη καθυστέρηση.")
    CsatSurvey.objects.filter(pk=survey.pk).update(answered_at=timezone.now() - dt.timedelta(days=10))
    nps_answered(papadopoulos, score=9, comment="Great service, thank you!", sent_days_ago=1)
    review_add(
        platform="google",
        external_id="g-1",
        rating=3,
        author_email="g.papadopoulos@example.gr",
        text="Ουδέτερη εμπειρία, τίποτα το ιδιαίτερο.",
        published_at=days_ago(5),
    )
    history = sentiment_history(papadopoulos)
    assert [(p.source, p.label) for p in history][0:1] == [("nps", "positive")]
    assert [p.source for p in history] == ["nps", "review", "csat"]
    assert history[-1].label == "negative"
    assert len(sentiment_history(papadopoulos, limit=2)) == 2


def test_merge_carries_feedback_to_the_survivor(papadopoulos: Any) -> None:
    twin = customer_create(
        data=CustomerInput(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    )
    review = review_add(
        platform="google", external_id="g-9", rating=5, text="Τέλεια!", author_email="gp@example.gr"
    )
    assert review.customer == twin
    record = customer_merge(survivor=papadopoulos, merged=twin)
    assert record.moved["reviews"] == 1
    assert Review.objects.get(pk=review.pk).customer == papadopoulos


def test_demo_data_is_greek_and_english_and_runs_twice(make_customer: Any) -> None:
    customers = [
        make_customer(
            first_name=f"Πελάτης{i}",
            last_name="Δοκιμαστικός",
            emails=[f"c{i}@example.gr"],
            language="el" if i % 2 else "en",
        )
        for i in range(8)
    ]
    made = feedback_demo(customers)
    assert made["nps"] >= 4
    assert made["reviews"] == 6
    assert feedback_demo(customers) == {"nps": 0, "reviews": 0, "csat": 0}
    assert {r.language for r in Review.objects.all()} == {"el", "en"}
    assert Review.objects.filter(follow_up_ticket__isnull=False).count() == 2
    assert NpsResponse.objects.filter(follow_up_ticket__isnull=False).exists()
