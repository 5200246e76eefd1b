"""First response and resolution in business minutes, FCR, SLA compliance, reopen rate, the service
numbers per team, channel, agent and month, and the backlog trend, on tickets checked by hand
(definitions in docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.service_levels import backlog_trend, service, service_by
from pelatis.analytics.tests.helpers import JANUARY, at, customer, customer_writes, reply, set_status, ticket
from pelatis.helpdesk.models import Team, Ticket
from pelatis.helpdesk.services.sla import sla_scan
from pelatis.helpdesk.services.tickets import ticket_assign

ATHENS = ZoneInfo("Europe/Athens")


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
    result = service(JANUARY)
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
    january = service(JANUARY)
    assert (january["created"], january["resolved"], january["first_response_minutes"]) == (1, 0, None)
    # SLA and reopen rate follow the creation day and the ticket's state now (resolved, in time, not reopened)
    assert (january["fcr_pct"], january["sla_compliance_pct"], january["reopen_rate_pct"]) == (
        None,
        100.0,
        0.0,
    )
    february = service(Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
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
    by_team = {row["group"]: row for row in service_by(JANUARY, "team")}
    assert {k: (v["created"], v["first_response_minutes"]) for k, v in by_team.items()} == {
        "Κρατήσεις": (2, 120.0), "Λογιστήριο": (1, 30.0), "—": (1, 480.0)}  # fmt: skip
    by_channel = {row["group"]: row for row in service_by(JANUARY, "channel")}
    assert {k: (v["created"], v["first_response_minutes"]) for k, v in by_channel.items()} == {
        "email": (2, 270.0), "phone": (2, 105.0)}  # fmt: skip
    by_agent = {row["group"]: row["created"] for row in service_by(JANUARY, "agent")}
    assert by_agent == {"agent": 4}  # answering an unassigned ticket takes it
    # and the filters narrow the groups too
    assert [row["group"] for row in service_by(replace(JANUARY, channel="phone"), "team")] == [
        "Κρατήσεις", "Λογιστήριο"]  # fmt: skip


def test_service_by_month_stays_inside_the_period(db: None, agent: Any) -> None:
    # a ticket created in December and resolved in January belongs to January's resolutions
    old = ticket(customer(), at(2025, 12, 29, 9))
    reply(old, agent, at(2026, 1, 5, 10), status=Ticket.Status.RESOLVED)
    rows = service_by(JANUARY, "month")
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
    trend = backlog_trend(Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 10)), points=4)
    assert trend == [
        {"day": "2026-01-01", "open": 1},
        {"day": "2026-01-04", "open": 3},
        {"day": "2026-01-07", "open": 2},
        {"day": "2026-01-10", "open": 2},
    ]
