"""Reviews and mentions: the signed webhook, linking to customers, the timeline, follow-up of negative ones."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pelatis.customers.models import Customer, Interaction
from pelatis.feedback.models import Review
from pelatis.feedback.services import review_customer_match, review_ingest, review_input_clean
from pelatis.feedback.services.reviews import rating_normalise
from pelatis.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db
SECRET = "s3cret-hook-key"
URL = "/feedback/hooks/reviews/"


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.PELATIS_REVIEW_WEBHOOK_SECRET = SECRET
    cache.clear()


def _post(
    payload: Any,
    *,
    secret: str = SECRET,
    signature: str | None = None,
    raw: bytes | None = None,
    timestamp: str | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    stamp = str(int(time.time())) if timestamp is None else timestamp
    headers = {"X-Pelatis-Timestamp": stamp} if stamp else {}
    if signature is None:
        signature = (
            "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
    if signature:
        headers["X-Pelatis-Signature"] = signature
    return Client().post(URL, body, content_type="application/json", headers=headers)


def test_a_request_signed_six_minutes_ago_is_refused_as_a_replay() -> None:
    old = str(int(time.time()) - 6 * 60)
    response = _post(REVIEW, timestamp=old)  # genuinely signed, with its own timestamp
    assert response.status_code == 401
    assert "5 minutes" in response.json()["error"]
    assert not Review.objects.exists()
    assert _post(REVIEW, timestamp=str(int(time.time()) - 4 * 60)).status_code == 201  # inside the window


def test_a_fresh_timestamp_does_not_revive_an_old_signature() -> None:
    old = str(int(time.time()) - 10 * 60)
    body = json.dumps(REVIEW, ensure_ascii=False).encode("utf-8")
    captured = "sha256=" + hmac.new(SECRET.encode(), old.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = _post(REVIEW, signature=captured, timestamp=str(int(time.time())))
    assert response.status_code == 401
    assert "signature" in response.json()["error"]
    assert not Review.objects.exists()


def test_a_request_without_a_timestamp_or_signed_over_the_body_alone_is_refused() -> None:
    body = json.dumps(REVIEW, ensure_ascii=False).encode("utf-8")
    body_only = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    missing = _post(REVIEW, signature=body_only, timestamp="")
    assert missing.status_code == 401
    assert "X-Pelatis-Timestamp" in missing.json()["error"]
    assert _post(REVIEW, signature=body_only).status_code == 401
    assert not Review.objects.exists()


REVIEW = {
    "platform": "google",
    "external_id": "g-1001",
    "rating": 5,
    "author": "Maria K.",
    "text": "Υπέροχη διαμονή, πεντακάθαρο δωμάτιο!",
    "published_at": "2026-05-02T10:00:00+03:00",
    "url": "https://maps.example/r/1001",
}


def test_signed_review_is_stored_once_and_byte_correct() -> None:
    first = _post(REVIEW)
    assert first.status_code == 201
    assert first.json()["created"] is True
    again = _post(REVIEW)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    review = Review.objects.get()
    assert review.text == "Υπέροχη διαμονή, πεντακάθαρο δωμάτιο!"
    assert (review.rating, review.sentiment_label, review.language) == (5, "positive", "el")
    assert review.follow_up_ticket is None


@pytest.mark.parametrize(
    ("signature", "secret"),
    [("", SECRET), ("sha256=" + "0" * 64, SECRET), (None, "other-key"), ("md5=abc", SECRET)],
)
def test_missing_or_wrong_signature_is_refused(signature: str | None, secret: str) -> None:
    response = _post(REVIEW, signature=signature, secret=secret)
    assert response.status_code == 401
    assert "signature" in response.json()["error"].lower() or "Signature" in response.json()["error"]
    assert not Review.objects.exists()


def test_unconfigured_webhook_refuses_everything(settings: Any) -> None:
    settings.PELATIS_REVIEW_WEBHOOK_SECRET = ""
    assert _post(REVIEW).status_code == 503
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 7}, "rating"),
        ({"rating": "πέντε"}, "rating"),
        ({"platform": ""}, "platform"),
        ({"external_id": None}, "external_id"),
        ({"published_at": "χθες"}, "published_at"),
        ({"author_email": "not-an-email"}, "author_email"),
        ({"author_phone": "12"}, "author_phone"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"text": "", "rating": None}, "text"),
        ({"text": ["a list"]}, "text"),
    ],
)
def test_bad_field_is_a_400_that_names_it(change: dict[str, Any], field: str) -> None:
    response = _post({**REVIEW, **change})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert body["error"].startswith(f"{field}: ")
    assert field in body["errors"]
    assert not Review.objects.exists()


def test_body_that_is_not_a_json_object_is_a_400() -> None:
    assert _post(None, raw=b"{not json").status_code == 400
    assert _post(None, raw=b"[1, 2]").status_code == 400


def test_webhook_is_rate_limited() -> None:
    from pelatis.feedback.views.public import HOOK_RATE_LIMIT

    codes = [_post(REVIEW, signature="sha256=00").status_code for _ in range(HOOK_RATE_LIMIT + 1)]
    assert codes[-1] == 429
    assert set(codes[:-1]) == {401}


@pytest.mark.parametrize(
    ("raw", "scale", "stars"),
    [
        (4, None, 4),
        ("4,5", None, 5),
        ("8/10", None, 4),
        (9, 10, 5),
        (1, 10, 1),
        ("★★★☆☆", None, 3),
        ("", None, None),
    ],
)
def test_ratings_are_normalised_to_five_stars(raw: Any, scale: Any, stars: int | None) -> None:
    assert rating_normalise(raw, scale) == stars


def test_linking_by_email_then_phone_then_unique_name(papadopoulos: Any, make_customer: Any) -> None:
    other = make_customer(
        first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"], phones=["6981234567"]
    )
    assert review_customer_match(email="G.Papadopoulos@example.gr", phone="+306981234567") == papadopoulos
    assert review_customer_match(phone="+306981234567", name="Γιώργος Παπαδόπουλος") == other
    assert review_customer_match(name="Γιώργος  Παπαδόπουλος") == papadopoulos
    make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος")  # a namesake: the name no longer tells
    assert review_customer_match(name="Γιώργος Παπαδόπουλος") is None
    assert review_customer_match(email="nobody@example.gr") is None


def test_linked_review_lands_on_the_timeline(papadopoulos: Any) -> None:
    review, created = review_ingest(
        data=review_input_clean({**REVIEW, "author": "G. P.", "author_phone": "697 123 4567"})
    )
    assert created
    assert review.customer == papadopoulos
    entry = Interaction.objects.get(customer=papadopoulos, source_type="feedback.review")
    assert (entry.channel, entry.direction, entry.body) == ("social", "in", REVIEW["text"])


def test_negative_review_opens_one_follow_up_ticket(papadopoulos: Any) -> None:
    data = {
        **REVIEW,
        "external_id": "g-2",
        "rating": 1,
        "author_email": "g.papadopoulos@example.gr",
        "text": "Βρώμικο μπάνιο και αγενής υπάλληλος. Απαράδεκτο.",
    }
    response = _post(data)
    assert response.status_code == 201
    _post(data)
    review = Review.objects.get()
    assert review.sentiment_label == "negative"
    ticket = review.follow_up_ticket
    assert ticket is not None
    assert (ticket.customer_id, ticket.channel, ticket.type) == (papadopoulos.pk, "social", "complaint")
    assert response.json()["follow_up_ticket"] == ticket.pk
    assert Ticket.objects.count() == 1


def test_unrated_negative_mention_of_a_stranger_opens_a_ticket_for_a_new_customer() -> None:
    review, _created = review_ingest(
        data=review_input_clean(
            {
                "platform": "facebook",
                "external_id": "fb-9",
                "kind": "mention",
                "author": "John Doe",
                "text": "The receptionist was rude and the room was dirty. Never again.",
            }
        )
    )
    assert (review.rating, review.sentiment_label, review.language) == (None, "negative", "en")
    assert review.customer is not None
    assert review.customer.display_name == "John Doe"
    assert review.follow_up_ticket is not None
    assert review.follow_up_ticket.customer == review.customer
    assert Customer.objects.count() == 1


def test_positive_unlinked_review_creates_no_customer() -> None:
    review, _created = review_ingest(data=review_input_clean({**REVIEW, "author": "Someone Unknown"}))
    assert review.customer is None
    assert not Customer.objects.exists()
    assert not Interaction.objects.exists()
