"""Staff pages for reviews: login required, readers read, agents answer with a live tone check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pelatis.customers.models import Interaction
from pelatis.feedback.models import Review
from pelatis.feedback.tests.helpers import review_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(papadopoulos: Any) -> Review:
    return review_add(
        platform="google",
        external_id="g-1",
        rating=2,
        author="Γιώργος Παπαδόπουλος",
        text="Βρώμικο μπάνιο και αγενής υπάλληλος.",
    )


@pytest.fixture
def others() -> list[Review]:
    rows = [("tripadvisor", f"t-{i}", 5, "Lovely stay, spotless room!") for i in range(30)]
    return [review_add(platform=p, external_id=e, rating=r, text=t) for p, e, r, t in rows]


def test_anonymous_is_sent_to_log_in(review: Review) -> None:
    for url in ("/feedback/reviews/", f"/feedback/reviews/{review.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert Client().post(f"/feedback/reviews/{review.pk}/answer/", {"answer": "x"}).status_code == 302
    assert Review.objects.get(pk=review.pk).answered_at is None


def test_outsider_sees_nothing(client_as: Any, outsider: Any, review: Review) -> None:
    client = client_as(outsider)
    assert client.get("/feedback/reviews/").status_code == 403
    assert client.get(f"/feedback/reviews/{review.pk}/").status_code == 403


def test_reader_reads_but_may_not_answer(client_as: Any, reader: Any, review: Review) -> None:
    client = client_as(reader)
    page = client.get(f"/feedback/reviews/{review.pk}/")
    assert page.status_code == 200
    assert "Βρώμικο μπάνιο" in page.content.decode()
    assert 'name="answer"' not in page.content.decode()
    assert client.post(f"/feedback/reviews/{review.pk}/answer/", {"answer": "Λυπούμαστε."}).status_code == 403
    assert client.post(f"/feedback/reviews/{review.pk}/tone/", {"answer": "x"}).status_code == 403
    assert Review.objects.get(pk=review.pk).answered_at is None


def test_agent_answers_and_it_lands_on_the_timeline(client_as: Any, agent: Any, review: Review) -> None:
    client = client_as(agent)
    text = "Αγαπητέ κύριε Παπαδόπουλε, λυπούμαστε πολύ. Το διορθώσαμε ήδη."
    response = client.post(f"/feedback/reviews/{review.pk}/answer/", {"answer": text})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.answer, review.answered_by) == (text, agent)
    assert Interaction.objects.filter(source_type="feedback.review", direction="out", actor=agent).exists()
    page = client.get(f"/feedback/reviews/{review.pk}/").content.decode()
    assert "data-answer" in page
    assert "data-copy" in page


def test_empty_answer_is_a_422_next_to_the_field(client_as: Any, agent: Any, review: Review) -> None:
    response = client_as(agent).post(f"/feedback/reviews/{review.pk}/answer/", {"answer": "   "})
    assert response.status_code == 422
    assert 'data-error-for="answer"' in response.content.decode()
    assert Review.objects.get(pk=review.pk).answered_at is None


def test_tone_check_reads_the_answer(client_as: Any, agent: Any, review: Review) -> None:
    client = client_as(agent)
    hints = client.post(
        f"/feedback/reviews/{review.pk}/tone/",
        {"answer": "Δεν φταίμε εμείς, πρέπει να διαβάσετε τους όρους."},
    )
    assert hints.status_code == 200
    assert 'data-rule="el-not-our-fault"' in hints.content.decode()
    assert (
        "tone-ok"
        in client.post(
            f"/feedback/reviews/{review.pk}/tone/", {"answer": "Ευχαριστούμε πολύ!"}
        ).content.decode()
    )


def test_list_filters_and_pages(client_as: Any, reader: Any, review: Review, others: list[Review]) -> None:
    client = client_as(reader)
    first = client.get("/feedback/reviews/").content.decode()
    assert first.count("data-review=") == 25
    assert client.get("/feedback/reviews/?page=2").content.decode().count("data-review=") == 6
    negative = client.get("/feedback/reviews/?negative=1").content.decode()
    assert negative.count("data-review=") == 1
    assert f'data-review="{review.pk}"' in negative
    assert client.get("/feedback/reviews/?platform=google").content.decode().count("data-review=") == 1
    assert client.get("/feedback/reviews/?unanswered=1").content.decode().count("data-review=") == 25


def test_sentiment_shows_only_where_it_beats_the_baseline(
    client_as: Any, reader: Any, review: Review, monkeypatch: Any
) -> None:
    client = client_as(reader)
    assert 'data-sentiment="negative"' in client.get(f"/feedback/reviews/{review.pk}/").content.decode()
    monkeypatch.setattr("pelatis.feedback.templatetags.feedback_ui._shown", lambda language: False)
    assert "data-sentiment" not in client.get(f"/feedback/reviews/{review.pk}/").content.decode()
    assert "data-sentiment" not in client.get("/feedback/reviews/").content.decode()
