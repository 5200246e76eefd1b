"""What the hand-computed metric tests share: moments in the business time zone, a pinned clock,
customers with orders, and tickets, replies and ratings, all written through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.utils import timezone

from pelatis.analytics.metrics.base import Filters
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer, Order
from pelatis.customers.services import customer_create, order_create
from pelatis.feedback.models import CsatSurvey
from pelatis.feedback.services import csat_answer, csat_survey_for
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import (
    InboundMail,
    message_receive,
    reply_send,
    ticket_open,
    ticket_set_status,
)

JANUARY = Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
_seq = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in the business time zone, the one the period's days are counted in."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


@contextmanager
def clock(when: dt.datetime) -> Iterator[None]:
    """Services stamp their writes with ``timezone.now()``: pin it."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def customer(first_name: str = "Μαρία") -> Customer:
    n = next(_seq)
    return customer_create(
        data=CustomerInput(
            first_name=first_name, last_name=f"Πελάτισσα {n}", emails=[f"pelatis{n}@example.gr"]
        )
    )


def order(who: Customer, when: dt.datetime, total: str = "10.00", status: str = Order.Status.PAID) -> Order:
    return order_create(
        customer=who,
        data=OrderInput(
            reference=f"ORD-{next(_seq)}",
            placed_at=when,
            status=status,
            lines=[OrderLineInput(name="Προϊόν", unit_price=total)],
        ),
    )


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
