"""Every dashboard number on a book small enough to check by hand (definitions in docs/metrics.md).

State is built through the real services; only the clock is pinned (services read ``timezone.now()``)
and a survey's ``sent_at`` is set directly, because sending it is the outside world's part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pelatis.analytics import metrics
from pelatis.analytics.metrics import Filters
from pelatis.analytics.models import CustomerValue
from pelatis.analytics.services import customer_values_refresh
from pelatis.analytics.tests.helpers import JANUARY, at, clock, customer, order
from pelatis.customers.models import Customer, Order
from pelatis.feedback.models import CsatSurvey
from pelatis.feedback.services import csat_answer, csat_survey_for, nps_answer, nps_campaign_create, nps_send
from pelatis.helpdesk.models import Team, Ticket
from pelatis.helpdesk.services.sla import sla_scan
from pelatis.helpdesk.services.tickets import (
    InboundMail,
    message_receive,
    reply_send,
    ticket_assign,
    ticket_open,
    ticket_set_status,
)

ATHENS = ZoneInfo("Europe/Athens")


# --- helpers -------------------------------------------------------------------------------------


def ticket(who: Customer, when: dt.datetime, **kwargs: Any) -> Ticket:
    opened, _message = ticket_open(
        customer=who,
        subject="Ερώτηση",
        mail=InboundMail(body_text="Καλησπέρα σας", received_at=when),
        **kwargs,
    )
    return opened


def reply(on: Ticket, by: Any, when: dt.datetime, status: str | None = None) -> Ticket:
    with clock(when):
        reply_send(ticket=on, body_text="Ευχαριστούμε, το κοιτάμε.", by=by, status=status, send_email=False)
    return Ticket.objects.get(pk=on.pk)


def set_status(on: Ticket, status: str, when: dt.datetime) -> Ticket:
    with clock(when):
        return ticket_set_status(ticket=on, status=status)


def customer_writes(on: Ticket, when: dt.datetime) -> None:
    message_receive(ticket=on, mail=InboundMail(body_text="Ακόμα δεν λειτουργεί.", received_at=when))


def rated(on: Ticket, score: int | None, *, sent: dt.datetime, answered: dt.datetime | None = None) -> None:
    survey = csat_survey_for(ticket=on)
    CsatSurvey.objects.filter(pk=survey.pk).update(sent_at=sent)  # the worker's email, not under test
    if score is not None:
        assert answered is not None
        with clock(answered):
            csat_answer(survey=survey, score=score)


# --- filters -------------------------------------------------------------------------------------


def test_parse_defaults_to_the_last_twelve_whole_months() -> None:
    f = Filters.parse({}, today=dt.date(2026, 6, 30))
    assert (f.start, f.end) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert (f.team, f.agent, f.channel, f.type, f.segment) == (None, None, "", "", "")


def test_parse_reads_every_parameter() -> None:
    f = Filters.parse(
        {"start": " 2026-01-01 ", "end": "2026-01-31", "team": "3", "agent": "7", "channel": "phone",
         "type": "complaint", "segment": "champions"}
    )  # fmt: skip
    assert f == Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), 3, 7, "phone", "complaint", "champions")
    assert f.as_params() == {"start": "2026-01-01", "end": "2026-01-31", "team": 3, "agent": 7,
                             "channel": "phone", "type": "complaint", "segment": "champions"}  # fmt: skip
    assert f.key() == Filters.parse({k: str(v) for k, v in f.as_params().items()}).key()
    assert f.key() != replace(f, team=4).key()


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start": "30/06/2026"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"team": "sales"}, "team"),
        ({"agent": "-1"}, "agent"),
        ({"segment": "vip"}, "segment"),
        ({"start": "2026-02-01", "end": "2026-01-31"}, "end"),
    ],
)
def test_parse_errors_name_the_parameter(params: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=f"^{named}: "):
        Filters.parse(params)


def test_service_by_refuses_an_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="^by: 'queue'"):
        metrics.service_by(JANUARY, "queue")


def test_months_of_lists_every_month_the_period_touches() -> None:
    assert metrics.months_of(Filters(dt.date(2025, 12, 15), dt.date(2026, 2, 1))) == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]


# --- feedback ------------------------------------------------------------------------------------


def test_csat_is_the_share_of_fours_and_fives(db: None) -> None:
    # given ratings 5, 4 and 2 in January and a fourth survey nobody answered
    who = customer()
    for score, day in ((5, 5), (4, 12), (2, 20)):
        rated(
            ticket(who, at(2026, 1, day, 9)), score, sent=at(2026, 1, day, 10), answered=at(2026, 1, day, 11)
        )
    rated(ticket(who, at(2026, 1, 25, 9)), None, sent=at(2026, 1, 25, 10))
    # when
    result = metrics.csat(JANUARY)
    # then: 2 of 3 satisfied = 66.7 %; 3 of the 4 sent answered = 75.0 %
    assert result == {"answered": 3, "satisfied": 2, "csat_pct": 66.7, "sent": 4, "response_rate_pct": 75.0}


def test_csat_period_includes_its_last_day_and_not_the_next(db: None) -> None:
    who = customer()
    rated(ticket(who, at(2026, 1, 30)), 5, sent=at(2026, 1, 30, 13), answered=at(2026, 1, 31, 23, 59))
    rated(ticket(who, at(2026, 1, 30)), 1, sent=at(2026, 1, 30, 13), answered=at(2026, 2, 1, 0, 0))
    rated(ticket(who, at(2025, 12, 30)), 2, sent=at(2025, 12, 31, 13), answered=at(2025, 12, 31, 23, 59))
    # the answer on 31 January counts, those of 31 December and 1 February do not
    january = metrics.csat(JANUARY)
    assert (january["answered"], january["satisfied"], january["csat_pct"]) == (1, 1, 100.0)
    # response rate follows the sending day: both January surveys were answered, one in February
    assert (january["sent"], january["response_rate_pct"]) == (2, 100.0)
    february = metrics.csat(Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
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
    assert metrics.csat(JANUARY)["csat_pct"] == 50.0
    assert metrics.csat(replace(JANUARY, team=bookings.pk))["answered"] == 1
    assert metrics.csat(replace(JANUARY, team=bookings.pk))["csat_pct"] == 100.0
    assert metrics.csat(replace(JANUARY, channel="phone"))["csat_pct"] == 0.0
    nothing = metrics.csat(replace(JANUARY, channel="chat"))
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
    result = metrics.nps(JANUARY)
    # then: 3 promoters, 1 detractor, 1 passive: (3 − 1) / 5 = 40.0; 5 of 6 answered = 83.3 %
    assert result == {"answered": 5, "promoters": 3, "detractors": 1, "passives": 1, "nps": 40.0, "sent": 6,
                      "response_rate_pct": 83.3}  # fmt: skip


def test_nps_without_answers_is_none(db: None) -> None:
    assert metrics.nps(JANUARY)["nps"] is None
    assert metrics.csat(JANUARY)["csat_pct"] is None


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
    trend = metrics.feedback_trend(Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    assert trend == [
        {"month": "2026-01", "csat_pct": 50.0, "csat_answered": 2, "nps": 100.0, "nps_answered": 1},
        {"month": "2026-02", "csat_pct": 100.0, "csat_answered": 1, "nps": -100.0, "nps_answered": 1},
        {"month": "2026-03", "csat_pct": None, "csat_answered": 0, "nps": None, "nps_answered": 0},
    ]


# --- orders and customers ------------------------------------------------------------------------


def test_commerce_of_a_small_month(db: None) -> None:
    # given A: 10 + 30, B: 20 (+ a cancelled 100 and a refunded 50), C: 40 on the last evening
    # and 5 just after midnight on 1 February
    a, b, c = customer("Άννα"), customer("Βασίλης"), customer("Γιάννης")
    order(a, at(2026, 1, 3), "10.00")
    order(a, at(2026, 1, 20), "30.00")
    order(b, at(2026, 1, 10), "20.00")
    order(b, at(2026, 1, 11), "100.00", status=Order.Status.CANCELLED)
    order(b, at(2026, 1, 12), "50.00", status=Order.Status.REFUNDED)
    order(c, at(2026, 1, 31, 23, 59), "40.00")
    order(c, at(2026, 2, 1, 0, 0), "5.00")
    # when
    result = metrics.commerce(JANUARY)
    # then: 4 orders, 100.00 revenue from 3 buyers; AOV 100 / 4 = 25; frequency 4 / 3 = 1.33;
    # one buyer (A) of three bought twice = 33.3 %
    assert result == {"orders": 4, "revenue": 100.0, "buyers": 3, "average_order_value": 25.0,
                      "purchase_frequency": 1.33, "repeat_buyers": 1, "repeat_purchase_rate_pct": 33.3}  # fmt: skip


def test_commerce_without_orders(db: None) -> None:
    assert metrics.commerce(JANUARY) == {"orders": 0, "revenue": 0.0, "buyers": 0, "average_order_value": None,
                                         "purchase_frequency": None, "repeat_buyers": 0,
                                         "repeat_purchase_rate_pct": None}  # fmt: skip


def test_retention_counts_start_end_and_new_customers(db: None) -> None:
    # January 2026 with a 365-day window: S = bought in [2025-01-01, 2026-01-01),
    # E = bought in [2025-02-01, 2026-02-01), N = first sold order in January
    a, b, c, d, e = (customer() for _ in range(5))
    order(a, at(2025, 6, 10))
    order(a, at(2026, 1, 5))  # A: in S and E
    order(b, at(2025, 1, 15))  # B: in S, out of E's window: lost
    order(c, at(2025, 11, 20))  # C: in S and still in E without buying in January
    order(d, at(2026, 1, 20))  # D: new, in E
    order(e, at(2026, 1, 8), status=Order.Status.CANCELLED)  # E: a cancelled order makes nobody a customer
    result = metrics.retention(JANUARY)
    # S = {A, B, C} = 3, E = {A, C, D} = 3, N = {D} = 1 → (3 − 1) / 3 = 66.7 %, churn 33.3 %
    assert result == {"start_customers": 3, "end_customers": 3, "new_customers": 1, "retention_pct": 66.7,
                      "churn_pct": 33.3, "window_days": 365}  # fmt: skip


def test_retention_counts_a_returning_customer_as_retained(db: None) -> None:
    # the formula's known property: someone back after more than a window is in E but neither S nor N
    a, b = customer(), customer()
    order(a, at(2025, 3, 1))
    order(b, at(2023, 5, 1))
    order(b, at(2026, 1, 10))
    result = metrics.retention(JANUARY)
    assert (result["start_customers"], result["end_customers"], result["new_customers"]) == (1, 2, 0)
    assert (result["retention_pct"], result["churn_pct"]) == (200.0, -100.0)


def test_retention_without_customers_at_the_start_is_none(db: None) -> None:
    order(customer(), at(2026, 1, 5))
    result = metrics.retention(JANUARY)
    assert (result["start_customers"], result["new_customers"], result["retention_pct"], result["churn_pct"]) == (
        0, 1, None, None)  # fmt: skip


def test_cohorts_of_a_tiny_book(db: None) -> None:
    a, b, c, d, e = (customer() for _ in range(5))
    order(a, at(2026, 1, 5))
    order(a, at(2026, 1, 20))  # a second order in the same month is the same cohort member
    order(a, at(2026, 2, 10))
    order(b, at(2026, 1, 12))
    order(b, at(2026, 3, 3))
    order(c, at(2026, 2, 14))
    order(c, at(2026, 3, 20))
    order(d, at(2025, 12, 1))  # D's cohort is December, before the period
    order(d, at(2026, 1, 9))
    order(e, at(2026, 1, 25), status=Order.Status.CANCELLED)  # E's first sold order is in March
    order(e, at(2026, 3, 30))
    order(e, at(2026, 4, 2))  # after the period: not read
    table = metrics.cohorts(Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    # January: A and B; A bought again in February (+1), B in March (+2); February: C, back in March
    assert table == [
        {"cohort": "2026-01", "customers": 2, "retained_pct": [50.0, 50.0]},
        {"cohort": "2026-02", "customers": 1, "retained_pct": [100.0]},
        {"cohort": "2026-03", "customers": 1, "retained_pct": []},
    ]


def test_an_empty_cohort_has_no_percentages(db: None) -> None:
    table = metrics.cohorts(Filters(dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
    assert table == [
        {"cohort": "2026-01", "customers": 0, "retained_pct": [None]},
        {"cohort": "2026-02", "customers": 0, "retained_pct": []},
    ]


def _two_segment_book() -> tuple[Customer, Customer]:
    """A bought twice lately, B once long ago. With two customers the rank scores are 3 and 1, so
    A is (R3, F3) "attention" and B (R1, F1) "hibernating"."""
    a, b = customer("Άννα"), customer("Βασίλης")
    order(a, at(2025, 12, 1), "30.00")
    order(a, at(2026, 1, 10), "50.00")
    order(b, at(2025, 3, 1), "20.00")
    order(b, at(2026, 1, 11), "7.00", status=Order.Status.REFUNDED)
    customer_values_refresh(as_of=dt.date(2026, 1, 15), fit=False)
    assert CustomerValue.objects.get(customer=a).segment == "attention"
    assert CustomerValue.objects.get(customer=b).segment == "hibernating"
    return a, b


def test_segment_narrows_orders_and_feedback_to_its_customers(db: None) -> None:
    a, b = _two_segment_book()
    order(b, at(2026, 1, 12), "70.00")
    rated(ticket(a, at(2026, 1, 12)), 5, sent=at(2026, 1, 12), answered=at(2026, 1, 13))
    rated(ticket(b, at(2026, 1, 12)), 1, sent=at(2026, 1, 12), answered=at(2026, 1, 13))
    attention = replace(JANUARY, segment="attention")
    assert metrics.commerce(JANUARY)["revenue"] == 120.0
    assert metrics.commerce(attention)["revenue"] == 50.0
    assert metrics.csat(JANUARY)["csat_pct"] == 50.0
    assert metrics.csat(attention)["csat_pct"] == 100.0
    assert metrics.retention(attention)["start_customers"] == 1


def test_customer_value_reads_the_stored_scores(db: None) -> None:
    # given the two-customer book and, as a fit would leave them, CLVs of 120.5 and 8
    a, b = _two_segment_book()
    CustomerValue.objects.filter(customer=a).update(clv=120.5, p_alive=0.9)
    CustomerValue.objects.filter(customer=b).update(clv=8.0, p_alive=0.3)
    # when
    value = metrics.customer_value(JANUARY)
    # then: historical value (30 + 50 + 20) / 2 = 50; predicted (120.5 + 8) / 2 = 64.25; P(alive) 0.6
    assert (value["customers"], value["scored"]) == (2, 2)
    assert (value["historical_clv"], value["predicted_clv"], value["mean_p_alive"]) == (50.0, 64.25, 0.6)
    buckets = {(row["from"], row["to"]): row["customers"] for row in value["distribution"]}  # type: ignore[attr-defined]
    assert buckets[(0, 10)] == 1
    assert buckets[(100, 250)] == 1
    assert buckets[(5000, None)] == 0
    assert sum(buckets.values()) == 2
    assert [(row["id"], row["clv"], row["revenue"]) for row in value["top"]] == [  # type: ignore[attr-defined]
        (a.pk, 120.5, 80.0), (b.pk, 8.0, 20.0)]  # fmt: skip
    grid = value["rfm_grid"]
    assert grid[3 - 1][3 - 1] == 1  # type: ignore[index]
    assert grid[1 - 1][1 - 1] == 1  # type: ignore[index]
    assert sum(map(sum, grid)) == 2  # type: ignore[call-overload]
    counts = {row["segment"]: row["customers"] for row in value["segments"]}  # type: ignore[attr-defined]
    assert counts["attention"] == counts["hibernating"] == 1
    assert sum(counts.values()) == 2
    # and a segment narrows it
    only = metrics.customer_value(replace(JANUARY, segment="hibernating"))
    assert (only["customers"], only["historical_clv"], only["predicted_clv"]) == (1, 20.0, 8.0)


# --- service -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "answered", "minutes"),
    [
        # winter hours Mon–Fri 09:00–17:00: Friday 16:00–17:00 (60) + Monday 09:00–10:00 (60)
        (
            dt.datetime(2026, 1, 16, 16, 0, tzinfo=ATHENS),
            dt.datetime(2026, 1, 19, 10, 0, tzinfo=ATHENS),
            120.0,
        ),
        # high season (1 May – 31 October) 08:00–22:00 every day: Friday 16–22 (360), Saturday and
        # Sunday 08–22 (840 each), Monday 08–10 (120)
        (
            dt.datetime(2026, 6, 12, 16, 0, tzinfo=ATHENS),
            dt.datetime(2026, 6, 15, 10, 0, tzinfo=ATHENS),
            2160.0,
        ),
    ],
)
def test_first_response_counts_business_minutes_of_the_default_calendar(
    db: None, agent: Any, created: dt.datetime, answered: dt.datetime, minutes: float
) -> None:
    opened = ticket(customer(), created)
    assert opened.sla_policy is not None
    assert opened.sla_policy.calendar.name == "Ωράριο γραφείου"
    answered_ticket = reply(opened, agent, answered)
    assert answered_ticket.first_responded_at == answered
    assert answered_ticket.first_response_minutes == minutes


def _service_month(agent: Any) -> dict[str, Ticket]:
    """Four tickets of January 2026 (winter hours 09–17, normal priority: first response due in 240
    business minutes, resolution in 1440)."""
    who = customer()
    # T1: Monday 12th 09:00, answered and resolved at 10:00 in one reply
    t1 = reply(ticket(who, at(2026, 1, 12, 9)), agent, at(2026, 1, 12, 10), status=Ticket.Status.RESOLVED)
    # T2: Tuesday 13th 09:00, answered 11:00 (pending: the clock stops), customer writes Wednesday 09:00,
    # answered and resolved 10:00
    t2 = reply(ticket(who, at(2026, 1, 13, 9)), agent, at(2026, 1, 13, 11))
    customer_writes(t2, at(2026, 1, 14, 9))
    t2 = reply(t2, agent, at(2026, 1, 14, 10), status=Ticket.Status.RESOLVED)
    # T3: Wednesday 14th 09:00, resolved in one reply 09:30, reopened by the customer Thursday 09:00,
    # resolved again 10:00 without another reply
    t3 = reply(ticket(who, at(2026, 1, 14, 9)), agent, at(2026, 1, 14, 9, 30), status=Ticket.Status.RESOLVED)
    customer_writes(t3, at(2026, 1, 15, 9))
    t3 = set_status(t3, Ticket.Status.RESOLVED, at(2026, 1, 15, 10))
    # T4: Thursday 15th 09:00, never answered: breached at 13:00
    t4 = ticket(who, at(2026, 1, 15, 9))
    assert sla_scan(now=at(2026, 1, 16, 9)) == 1
    return {"t1": t1, "t2": t2, "t3": t3, "t4": Ticket.objects.get(pk=t4.pk)}


def test_service_numbers_of_a_month(db: None, agent: Any) -> None:
    t = _service_month(agent)
    # first responses: T1 60, T2 120, T3 30
    assert [t[k].first_response_minutes for k in ("t1", "t2", "t3")] == [60.0, 120.0, 30.0]
    # resolution: T1 60; T2 Tue 09–17 (480) + Wed 09–10 (60) less the pause Tue 11–17 (360) = 180;
    # T3 Wed 09–17 (480) + Thu 09–10 (60) = 540 (a resolved ticket's clock is not paused)
    assert [t[k].resolution_minutes for k in ("t1", "t2", "t3")] == [60.0, 180.0, 540.0]
    assert (t["t2"].agent_replies, t["t3"].reopened_count, t["t4"].sla_breached) == (2, 1, True)
    result = metrics.service(JANUARY)
    assert result == {
        "created": 4,
        "resolved": 3,
        "first_response_minutes": 70.0,  # (60 + 120 + 30) / 3
        "resolution_minutes": 260.0,  # (60 + 180 + 540) / 3
        "fcr_pct": 33.3,  # only T1: one reply, never reopened, of 3 resolved with a reply
        "sla_compliance_pct": 75.0,  # decided: T1–T3 met, T4 breached
        "reopen_rate_pct": 33.3,  # T3 of the 3 resolved at least once
        "backlog": 1,  # T4
    }


def test_service_counts_by_the_day_each_thing_happened(db: None, agent: Any) -> None:
    # created Friday 30 January 16:00, answered and resolved Monday 2 February 10:00: January counts
    # the creation, February the answer and the resolution
    late = ticket(customer(), at(2026, 1, 30, 16))
    reply(late, agent, at(2026, 2, 2, 10), status=Ticket.Status.RESOLVED)
    january = metrics.service(JANUARY)
    assert (january["created"], january["resolved"], january["first_response_minutes"]) == (1, 0, None)
    # SLA and reopen rate follow the creation day and the ticket's state now (resolved, in time, not reopened)
    assert (january["fcr_pct"], january["sla_compliance_pct"], january["reopen_rate_pct"]) == (
        None,
        100.0,
        0.0,
    )
    february = metrics.service(Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    # Friday 16–17 (60) + Monday 09–10 (60)
    assert (february["created"], february["resolved"], february["first_response_minutes"]) == (0, 1, 120.0)
    assert (february["resolution_minutes"], february["fcr_pct"], february["backlog"]) == (120.0, 100.0, 0)


def test_service_by_team_and_channel(db: None, agent: Any) -> None:
    bookings, accounts = Team.objects.create(name="Κρατήσεις"), Team.objects.create(name="Λογιστήριο")
    who = customer()
    mail_1 = ticket(who, at(2026, 1, 12, 9))
    phone_1 = ticket(who, at(2026, 1, 12, 9), channel="phone")
    phone_2 = ticket(who, at(2026, 1, 13, 9), channel="phone")
    mail_2 = ticket(who, at(2026, 1, 13, 9))
    ticket(who, at(2025, 12, 1, 9))  # nothing happened to it in January
    ticket_assign(ticket=mail_1, agent=agent, team_id=bookings.pk)
    ticket_assign(ticket=phone_1, agent=agent, team_id=bookings.pk)
    ticket_assign(ticket=phone_2, agent=None, team_id=accounts.pk)
    reply(mail_1, agent, at(2026, 1, 12, 10))  # 60
    reply(phone_1, agent, at(2026, 1, 12, 12))  # 180
    reply(phone_2, agent, at(2026, 1, 13, 9, 30))  # 30
    reply(mail_2, agent, at(2026, 1, 13, 17))  # 480
    by_team = {row["group"]: row for row in metrics.service_by(JANUARY, "team")}
    assert {k: (v["created"], v["first_response_minutes"]) for k, v in by_team.items()} == {
        "Κρατήσεις": (2, 120.0), "Λογιστήριο": (1, 30.0), "—": (1, 480.0)}  # fmt: skip
    by_channel = {row["group"]: row for row in metrics.service_by(JANUARY, "channel")}
    assert {k: (v["created"], v["first_response_minutes"]) for k, v in by_channel.items()} == {
        "email": (2, 270.0), "phone": (2, 105.0)}  # fmt: skip
    by_agent = {row["group"]: row["created"] for row in metrics.service_by(JANUARY, "agent")}
    assert by_agent == {"agent": 4}  # answering an unassigned ticket takes it
    # and the filters narrow the groups too
    assert [row["group"] for row in metrics.service_by(replace(JANUARY, channel="phone"), "team")] == [
        "Κρατήσεις", "Λογιστήριο"]  # fmt: skip


def test_service_by_month_stays_inside_the_period(db: None, agent: Any) -> None:
    # a ticket created in December and resolved in January belongs to January's resolutions
    old = ticket(customer(), at(2025, 12, 29, 9))
    reply(old, agent, at(2026, 1, 5, 10), status=Ticket.Status.RESOLVED)
    rows = metrics.service_by(JANUARY, "month")
    assert [row["group"] for row in rows] == ["2026-01"]
    assert (rows[0]["created"], rows[0]["resolved"]) == (0, 1)


def test_backlog_trend_counts_open_tickets_at_the_end_of_each_day(db: None, agent: Any) -> None:
    who = customer()
    ticket(who, at(2025, 12, 20))  # open throughout
    early = ticket(who, at(2026, 1, 2))
    set_status(early, Ticket.Status.RESOLVED, at(2026, 1, 5, 10))
    ticket(who, at(2026, 1, 3))  # still open
    brief = ticket(who, at(2026, 1, 8, 9))
    set_status(brief, Ticket.Status.RESOLVED, at(2026, 1, 8, 11))
    # ten days, four points: 9 days // 3 steps = every 3rd day, and the last day
    trend = metrics.backlog_trend(Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 10)), points=4)
    assert trend == [
        {"day": "2026-01-01", "open": 1},
        {"day": "2026-01-04", "open": 3},
        {"day": "2026-01-07", "open": 2},
        {"day": "2026-01-10", "open": 2},
    ]


# --- the whole dashboard -------------------------------------------------------------------------


def _book(size: int, agent: Any) -> None:
    for i in range(size):
        who = customer()
        order(who, at(2025, 11, 1 + i % 28))
        order(who, at(2026, 1, 1 + i % 28), "25.00")
        opened = reply(
            ticket(who, at(2026, 1, 5, 9)), agent, at(2026, 1, 5, 10), status=Ticket.Status.RESOLVED
        )
        rated(opened, 1 + i % 5, sent=at(2026, 1, 6), answered=at(2026, 1, 7))
    customer_values_refresh(as_of=dt.date(2026, 1, 31), fit=False)


def _dashboard_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        metrics.dashboard(JANUARY)
    return len(queries)


def test_dashboard_runs_as_many_queries_for_fifty_customers_as_for_five(
    db: None, agent: Any, django_assert_max_num_queries: Any
) -> None:
    _book(5, agent)
    few = _dashboard_queries()
    _book(45, agent)
    many = _dashboard_queries()
    assert few == many == 14  # one per number group and one for the agents' names, whatever the data size
    with django_assert_max_num_queries(14):
        data = metrics.dashboard(JANUARY)
    assert data["commerce"]["orders"] == 50  # type: ignore[index]
    assert data["csat"]["answered"] == 50  # type: ignore[index]


def test_summary_rows_show_a_dash_where_there_is_no_data(db: None) -> None:
    rows = dict(metrics.summary_rows(metrics.dashboard(JANUARY)))
    for label in ("Satisfaction (CSAT)", "CSAT response rate", "Net Promoter Score (NPS)", "NPS response rate",
                  "Average order value",
                  "Purchase frequency", "Repeat-purchase rate", "Retention", "Churn",
                  "First response (business hours)", "Resolution (business hours)", "First-contact resolution",
                  "SLA compliance", "Reopen rate"):  # fmt: skip
        assert rows[label] == "—", label
    assert (rows["Orders"], rows["Backlog"]) == ("0", "0")


def test_customer_value_without_scores_is_none(db: None) -> None:
    # no CustomerValue rows at all: there is no value per customer, not a value of 0
    empty = metrics.customer_value(JANUARY)
    assert (empty["customers"], empty["historical_clv"], empty["predicted_clv"], empty["mean_p_alive"]) == (
        0, None, None, None)  # fmt: skip
    rows = dict(metrics.summary_rows(metrics.dashboard(JANUARY)))
    assert rows["Historical value per customer"] == "—"
    assert rows["Predicted 12-month value per customer"] == "—"


def test_summary_rows_format_numbers(db: None) -> None:
    who = customer()
    order(who, at(2026, 1, 3), "1234.50")
    rated(ticket(who, at(2026, 1, 5)), 4, sent=at(2026, 1, 5), answered=at(2026, 1, 6))
    rows = dict(metrics.summary_rows(metrics.dashboard(JANUARY)))
    assert rows["Satisfaction (CSAT)"] == "100.0 %"
    assert rows["Revenue"] == "€1,234.50"
    assert rows["Orders"] == "1"


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
    result = metrics.reviews(JANUARY)
    # then: 4 reviews, average (5 + 4 + 1) / 3, negative 2 of 4, answered 1 of 4
    assert result == {"reviews": 4, "average_rating": 3.33, "negative_pct": 50.0, "answered_pct": 25.0}
