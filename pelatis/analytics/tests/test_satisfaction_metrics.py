"""CSAT, NPS, reviews and the monthly feedback trend on a book small enough to check by hand
(definitions in docs/metrics.md).

State is built through the real services; only the clock is pinned (services read ``timezone.now()``)
and a survey's ``sent_at`` is set directly, because sending it is the outside world's part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.satisfaction import csat, feedback_trend, nps, reviews
from pelatis.analytics.tests.helpers import JANUARY, at, clock, customer, rated, ticket
from pelatis.feedback.services import nps_answer, nps_campaign_create, nps_send
from pelatis.helpdesk.models import Team
from pelatis.helpdesk.services.tickets import ticket_assign


def test_csat_is_the_share_of_fours_and_fives(db: None) -> None:
    # given ratings 5, 4 and 2 in January and a fourth survey nobody answered
    who = customer()
    for score, day in ((5, 5), (4, 12), (2, 20)):
        rated(
            ticket(who, at(2026, 1, day, 9)), score, sent=at(2026, 1, day, 10), answered=at(2026, 1, day, 11)
        )
    rated(ticket(who, at(2026, 1, 25, 9)), None, sent=at(2026, 1, 25, 10))
    # when
    result = csat(JANUARY)
    # then: 2 of 3 satisfied = 66.7 %; 3 of the 4 sent answered = 75.0 %
    assert result == {"answered": 3, "satisfied": 2, "csat_pct": 66.7, "sent": 4, "response_rate_pct": 75.0}


def test_csat_period_includes_its_last_day_and_not_the_next(db: None) -> None:
    who = customer()
    rated(ticket(who, at(2026, 1, 30)), 5, sent=at(2026, 1, 30, 13), answered=at(2026, 1, 31, 23, 59))
    rated(ticket(who, at(2026, 1, 30)), 1, sent=at(2026, 1, 30, 13), answered=at(2026, 2, 1, 0, 0))
    rated(ticket(who, at(2025, 12, 30)), 2, sent=at(2025, 12, 31, 13), answered=at(2025, 12, 31, 23, 59))
    # the answer on 31 January counts, those of 31 December and 1 February do not
    january = csat(JANUARY)
    assert (january["answered"], january["satisfied"], january["csat_pct"]) == (1, 1, 100.0)
    # response rate follows the sending day: both January surveys were answered, one in February
    assert (january["sent"], january["response_rate_pct"]) == (2, 100.0)
    february = csat(Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    assert (february["answered"], february["csat_pct"], february["sent"], february["response_rate_pct"]) == (
        1, 0.0, 0, None)  # fmt: skip


def test_csat_narrows_by_team_and_channel(db: None) -> None:
    bookings = Team.objects.create(name="Κρατήσεις")
    who = customer()
    by_mail = ticket(who, at(2026, 1, 5))
    by_phone = ticket(who, at(2026, 1, 6), channel="phone")
    ticket_assign(ticket=by_mail, agent=None, team_id=bookings.pk)
    rated(by_mail, 5, sent=at(2026, 1, 7), answered=at(2026, 1, 8))
    rated(by_phone, 3, sent=at(2026, 1, 7), answered=at(2026, 1, 8))
    assert csat(JANUARY)["csat_pct"] == 50.0
    assert csat(replace(JANUARY, team=bookings.pk))["answered"] == 1
    assert csat(replace(JANUARY, team=bookings.pk))["csat_pct"] == 100.0
    assert csat(replace(JANUARY, channel="phone"))["csat_pct"] == 0.0
    nothing = csat(replace(JANUARY, channel="chat"))
    assert (nothing["answered"], nothing["csat_pct"], nothing["response_rate_pct"]) == (0, None, None)


def test_nps_is_promoters_minus_detractors(db: None) -> None:
    # given six customers asked in January: 10, 9, 9, 8, 3 and one who never answered
    campaign = nps_campaign_create(name="Ετήσια έρευνα")
    for i, score in enumerate([10, 9, 9, 8, 3, None]):
        response = nps_send(campaign=campaign, customer_id=customer().pk, now=at(2026, 1, 10 + i))
        assert response is not None
        if score is not None:
            with clock(at(2026, 1, 20 + i)):
                nps_answer(response=response, score=score)
    # when
    result = nps(JANUARY)
    # then: 3 promoters, 1 detractor, 1 passive: (3 − 1) / 5 = 40.0; 5 of 6 answered = 83.3 %
    assert result == {"answered": 5, "promoters": 3, "detractors": 1, "passives": 1, "nps": 40.0, "sent": 6,
                      "response_rate_pct": 83.3}  # fmt: skip


def test_nps_without_answers_is_none(db: None) -> None:
    assert nps(JANUARY)["nps"] is None
    assert csat(JANUARY)["csat_pct"] is None


def test_feedback_trend_per_month(db: None) -> None:
    who = customer()
    rated(ticket(who, at(2026, 1, 2)), 5, sent=at(2026, 1, 2), answered=at(2026, 1, 3))
    rated(ticket(who, at(2026, 1, 2)), 2, sent=at(2026, 1, 2), answered=at(2026, 1, 31, 23, 30))
    rated(ticket(who, at(2026, 2, 2)), 4, sent=at(2026, 2, 2), answered=at(2026, 2, 1, 0, 30))
    campaign = nps_campaign_create(name="Έρευνα")
    for score, answered in ((10, at(2026, 1, 15)), (0, at(2026, 2, 15))):
        response = nps_send(campaign=campaign, customer_id=customer().pk, now=at(2026, 1, 10))
        assert response is not None
        with clock(answered):
            nps_answer(response=response, score=score)
    trend = feedback_trend(Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    assert trend == [
        {"month": "2026-01", "csat_pct": 50.0, "csat_answered": 2, "nps": 100.0, "nps_answered": 1},
        {"month": "2026-02", "csat_pct": 100.0, "csat_answered": 1, "nps": -100.0, "nps_answered": 1},
        {"month": "2026-03", "csat_pct": None, "csat_answered": 0, "nps": None, "nps_answered": 0},
    ]


def test_reviews_in_the_period(db: None, agent: Any) -> None:
    from pelatis.feedback.models import Review
    from pelatis.feedback.services import review_answer, review_ingest, review_input_clean

    # given ratings 5, 4, 1 and an unrated angry mention in January, and one review in February
    texts = [
        (5, "Υπέροχη διαμονή!"),
        (4, "Πολύ καλό πρωινό."),
        (1, "Απαράδεκτο, βρώμικο δωμάτιο."),
        (None, "Πολύ απογοητευμένοι, η κράτηση χάθηκε και κανείς δεν βοήθησε. Απαράδεκτοι!"),
    ]
    for i, (rating, text) in enumerate([*texts, (2, "Κακή εξυπηρέτηση.")]):
        when = at(2026, 1, 5 + i) if i < len(texts) else at(2026, 2, 1)
        review_ingest(
            data=review_input_clean(
                {
                    "platform": "google",
                    "external_id": f"g-{i}",
                    "rating": rating,
                    "text": text,
                    "author": "Επισκέπτης",
                    "published_at": when.isoformat(),
                }
            )
        )
    review_answer(review=Review.objects.get(external_id="g-0"), answer="Σας ευχαριστούμε θερμά!", by=agent)
    # when
    result = reviews(JANUARY)
    # then: 4 reviews, average (5 + 4 + 1) / 3, negative 2 of 4, answered 1 of 4
    assert result == {"reviews": 4, "average_rating": 3.33, "negative_pct": 50.0, "answered_pct": 25.0}
