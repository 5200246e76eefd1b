"""The feedback API at /api/v1/feedback, as the project API mounts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pelatis.feedback.models import Review
from pelatis.feedback.tests.helpers import days_ago, nps_answered, review_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(papadopoulos: Any) -> None:
    nps_answered(papadopoulos, score=9, comment="Πολύ καλή εξυπηρέτηση!", sent_days_ago=2)
    review_add(platform="google", external_id="g-1", rating=4, text="Nice stay", published_at=days_ago(5))


def test_list_merges_kinds_newest_first_and_pages(api_as: Any, reader: Any, feedback: None) -> None:
    client = api_as(reader)
    body = client.get("/api/v1/feedback/").json()
    assert [(i["kind"], i["score"]) for i in body["items"]] == [("nps", 9), ("review", 4)]
    assert body["items"][0]["text"] == "Πολύ καλή εξυπηρέτηση!"
    assert body["items"][0]["sentiment_label"] == "positive"
    assert body["has_more"] is False
    page = client.get("/api/v1/feedback/", limit=1).json()
    assert (len(page["items"]), page["has_more"]) == (1, True)
    assert [i["kind"] for i in client.get("/api/v1/feedback/", kind="review").json()["items"]] == ["review"]
    since = (timezone.now() - dt.timedelta(days=3)).isoformat()
    assert [i["kind"] for i in client.get("/api/v1/feedback/", since=since).json()["items"]] == ["nps"]


def test_list_needs_a_token_and_a_role(api_as: Any, outsider: Any, feedback: None) -> None:
    assert api_as(None).get("/api/v1/feedback/").status_code == 401
    assert api_as(outsider).get("/api/v1/feedback/").status_code == 403


def test_create_review_is_idempotent_and_validated(api_as: Any, agent: Any, reader: Any) -> None:
    client = api_as(agent)
    payload = {
        "platform": "booking",
        "external_id": "b-7",
        "rating": 9,
        "rating_max": 10,
        "text": "Excellent stay",
    }
    first = client.post("/api/v1/feedback/reviews", payload)
    assert first.status_code == 201
    assert (first.json()["rating"], first.json()["created"]) == (5, True)
    assert client.post("/api/v1/feedback/reviews", payload).status_code == 200
    bad = client.post("/api/v1/feedback/reviews", {**payload, "external_id": "b-8", "rating": 11})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "rating"]
    assert (
        api_as(reader).post("/api/v1/feedback/reviews", {**payload, "external_id": "b-9"}).status_code == 403
    )
    assert Review.objects.count() == 1
