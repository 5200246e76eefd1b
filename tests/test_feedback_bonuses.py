"""Feedback earns loyalty points through FEEDBACK_RECEIVED: a CSAT or NPS answer the survey bonus once per
survey, a compliment (CSAT 5, NPS 9–10, a five-star review) the compliment bonus once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.feedback.models import NpsResponse
from pelatis.feedback.services import nps_campaign_create
from pelatis.feedback.services.csat import csat_answer, csat_survey_for
from pelatis.feedback.services.nps import nps_answer
from pelatis.feedback.services.reviews import ReviewInput, review_ingest
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open
from pelatis.loyalty.models import LedgerEntry, LoyaltyProgramme
from pelatis.loyalty.queries import balance_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def programme(db: None) -> LoyaltyProgramme:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"survey_bonus": 20, "compliment_bonus": 50})
    return LoyaltyProgramme.current()


def _survey(customer: Customer) -> Any:
    ticket, _m = ticket_open(customer=customer, subject="Κράτηση", mail=InboundMail(body_text="Ευχαριστώ"))
    return csat_survey_for(ticket=ticket)


def _bonuses(customer: Customer) -> list[tuple[str, int]]:
    return sorted(
        LedgerEntry.objects.filter(account__customer=customer, kind="bonus").values_list(
            "bonus_kind", "points"
        )
    )


def test_a_top_csat_answer_earns_the_survey_and_compliment_bonus_once(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    survey = _survey(papadopoulos)

    with django_capture_on_commit_callbacks(execute=True):
        csat_answer(survey=survey, score=5)
    with django_capture_on_commit_callbacks(execute=True):
        csat_answer(survey=survey, score=5, comment="Άψογοι!")

    assert _bonuses(papadopoulos) == [("compliment", 50), ("survey", 20)]
    assert balance_of(papadopoulos) == 70


def test_a_middling_csat_earns_the_survey_bonus_and_a_later_five_the_compliment(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    survey = _survey(papadopoulos)

    with django_capture_on_commit_callbacks(execute=True):
        csat_answer(survey=survey, score=3)
    assert _bonuses(papadopoulos) == [("survey", 20)]
    with django_capture_on_commit_callbacks(execute=True):
        csat_answer(survey=survey, score=5)

    assert _bonuses(papadopoulos) == [("compliment", 50), ("survey", 20)]


@pytest.mark.parametrize(
    ("score", "expected"), [(9, [("compliment", 50), ("survey", 20)]), (8, [("survey", 20)])]
)
def test_nps_promoters_compliment_and_everyone_earns_for_answering(
    papadopoulos: Customer,
    django_capture_on_commit_callbacks: Any,
    score: int,
    expected: list[tuple[str, int]],
) -> None:
    campaign = nps_campaign_create(name="Ετήσια έρευνα")
    now = timezone.now()
    response = NpsResponse.objects.create(
        campaign=campaign, customer=papadopoulos, language="el", sent_at=now, ask_again_after=now
    )

    with django_capture_on_commit_callbacks(execute=True):
        nps_answer(response=response, score=score)

    assert _bonuses(papadopoulos) == expected


def test_a_five_star_review_by_a_known_customer_is_a_compliment(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    data = ReviewInput(
        platform="google",
        external_id="g-1",
        published_at=timezone.now() - dt.timedelta(hours=1),
        rating=5,
        text="Υπέροχη διαμονή",
        author="Γιώργος Παπαδόπουλος",
        author_email="g.papadopoulos@example.gr",
    )

    with django_capture_on_commit_callbacks(execute=True):
        review, created = review_ingest(data=data)
    with django_capture_on_commit_callbacks(execute=True):
        review_ingest(data=data)  # the same review delivered again

    assert created
    assert review.customer_id == papadopoulos.pk
    assert _bonuses(papadopoulos) == [("compliment", 50)]


def test_a_four_star_review_earns_nothing(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    data = ReviewInput(
        platform="google",
        external_id="g-2",
        published_at=timezone.now(),
        rating=4,
        author_email="g.papadopoulos@example.gr",
    )

    with django_capture_on_commit_callbacks(execute=True):
        review_ingest(data=data)

    assert _bonuses(papadopoulos) == []


def test_with_no_bonus_amounts_feedback_writes_nothing(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    LoyaltyProgramme.objects.filter(pk=1).update(survey_bonus=0, compliment_bonus=0)

    with django_capture_on_commit_callbacks(execute=True):
        csat_answer(survey=_survey(papadopoulos), score=5)

    assert not LedgerEntry.objects.exists()
