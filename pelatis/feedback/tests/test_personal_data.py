"""Feedback's part in a data-subject export and erasure: surveys, NPS answers and reviews are exported with
labels and codes; an erasure leaves none of the person's names, emails or phones in any text column of
feedback's tables while every score, rating and date stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from pelatis.customers.models import Customer
from pelatis.feedback.models import CsatSurvey, NpsResponse, Review
from pelatis.feedback.services import csat_answer, csat_survey_for
from pelatis.feedback.services.reviews import review_answer
from pelatis.privacy.tests.erasure_scan import erase, hits, participant, person_terms

from .helpers import days_ago, nps_answered, review_add

pytestmark = pytest.mark.django_db
OLD_EMAIL = "giorgos.p@oldmail.gr"
NUMBERS = ("score", "answered_at", "sentiment_label", "sentiment_score")
REVIEW_NUMBERS = ("rating", "published_at", "platform", "kind", "sentiment_label", "customer_id")


@pytest.fixture
def feedback(papadopoulos: Customer, open_ticket: Any, agent: User, make_customer: Any) -> dict[str, Any]:
    survey = csat_survey_for(ticket=open_ticket(papadopoulos))
    survey = csat_answer(survey=survey, score=4, comment="Ο Γιώργος Παπαδόπουλος ευχαριστεί, 697 123 4567.")
    nps = nps_answered(
        papadopoulos, score=9, comment="Γράψτε μου στο g.papadopoulos@example.gr", sent_days_ago=3
    )
    linked = review_add(
        platform="google",
        external_id="g-1",
        rating=5,
        text="Εξαιρετική εξυπηρέτηση! Γιώργος Π.",
        author="Γιώργος Παπαδόπουλος",
        author_email="g.papadopoulos@example.gr",
        published_at=days_ago(5),
        url="https://maps.google.com/review/g-1",
    )
    linked = review_answer(review=linked, answer="Αγαπητέ κύριε Παπαδόπουλε, σας ευχαριστούμε!", by=agent)
    unlinked = review_add(
        platform="tripadvisor",
        external_id="t-9",
        rating=4,
        text="Καλό μέρος.",
        author="G. P.",
        author_email=OLD_EMAIL,
        published_at=days_ago(40),
    )
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    quoting = review_add(
        platform="facebook",
        external_id="f-3",
        kind="mention",
        text="Ρωτήστε τον Γιώργο Παπαδόπουλο (g.papadopoulos@example.gr), ξέρει.",
        author="Ελένη Νικολάου",
        author_email="eleni@example.gr",
        published_at=days_ago(2),
    )
    return {
        "survey": survey,
        "nps": nps,
        "linked": linked,
        "unlinked": unlinked,
        "quoting": quoting,
        "other": other,
    }


def test_the_export_holds_surveys_answers_and_reviews_with_labels(
    papadopoulos: Customer, feedback: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    Review.objects.filter(pk=feedback["unlinked"].pk).update(author_email="g.papadopoulos@example.gr")
    with django_assert_max_num_queries(4):  # surveys, answers, the contact points, reviews
        sections = {s.key: s for s in participant("feedback").export(papadopoulos.pk, "el")}
    assert set(sections) == {"satisfaction_surveys", "nps_answers", "reviews"}
    [survey] = sections["satisfaction_surveys"].rows
    assert (survey["rating"], survey["request"]) == (4, feedback["survey"].ticket_id)
    assert survey["comment"].startswith("Ο Γιώργος")
    assert survey["answered_at"] == feedback["survey"].answered_at.isoformat()
    [answer] = sections["nps_answers"].rows
    assert (answer["score"], answer["category_code"]) == (9, "promoter")
    assert answer["category"] == "Υποστηρικτής (9–10)"
    reviews = sections["reviews"].rows
    assert [r["platform"] for r in reviews] == ["Tripadvisor", "Google"]  # the unlinked one by its email too
    assert reviews[1]["kind_code"] == "review"
    assert reviews[1]["kind"] == "Κριτική"
    assert reviews[1]["our_answer"].startswith("Αγαπητέ")
    assert reviews[1]["language_code"] == "el"
    assert reviews[1]["language"] == "Ελληνικά"
    for section in sections.values():
        assert set(section.fields) == set(section.rows[0])


def test_the_terms_hold_the_names_a_review_was_signed_with(
    papadopoulos: Customer, feedback: dict[str, Any]
) -> None:
    assert participant("feedback").terms is not None
    assert "Γιώργος Παπαδόπουλος" in participant("feedback").terms(papadopoulos.pk)  # type: ignore[misc]  # checked above


def test_erasure_leaves_no_term_and_every_number(papadopoulos: Customer, feedback: dict[str, Any]) -> None:
    terms = person_terms(papadopoulos, OLD_EMAIL, "+306971234567")
    assert hits("feedback", terms)  # the data is there before
    surveys = list(CsatSurvey.objects.order_by("pk").values_list(*NUMBERS))
    answers = list(NpsResponse.objects.order_by("pk").values_list(*NUMBERS, "sent_at"))
    reviews = list(Review.objects.order_by("pk").values_list(*REVIEW_NUMBERS))

    report = erase("feedback", papadopoulos, terms)

    assert hits("feedback", terms) == []
    assert report.counts["survey_comments"] == 1
    assert report.counts["nps_comments"] == 1
    assert report.counts["reviews"] == 2
    assert report.counts["feedback_quotes"] == 1
    assert list(CsatSurvey.objects.order_by("pk").values_list(*NUMBERS)) == surveys
    assert list(NpsResponse.objects.order_by("pk").values_list(*NUMBERS, "sent_at")) == answers
    assert list(Review.objects.order_by("pk").values_list(*REVIEW_NUMBERS)) == reviews
    linked = Review.objects.get(pk=feedback["linked"].pk)
    assert (linked.text, linked.author, linked.author_email, linked.url) == ("[erased]",) * 3 + ("",)
    assert linked.answer == "Αγαπητέ κύριε [erased], σας ευχαριστούμε!"
    assert Review.objects.get(pk=feedback["unlinked"].pk).author_email == "[erased]"
    quoting = Review.objects.get(pk=feedback["quoting"].pk)
    assert quoting.text == "Ρωτήστε τον [erased] ([erased]), ξέρει."
    assert (quoting.author, quoting.author_email) == ("Ελένη Νικολάου", "eleni@example.gr")  # not theirs


def test_erasure_leaves_other_customers_feedback_alone(
    papadopoulos: Customer, feedback: dict[str, Any], open_ticket: Any
) -> None:
    other = feedback["other"]
    survey = csat_answer(
        survey=csat_survey_for(ticket=open_ticket(other)), score=5, comment="Πολύ καλά, Γιώργος."
    )
    erase("feedback", papadopoulos, person_terms(papadopoulos))
    assert (
        CsatSurvey.objects.get(pk=survey.pk).comment == "Πολύ καλά, Γιώργος."
    )  # a first name alone is not them
