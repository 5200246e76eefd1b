"""A conversation we start by email: tracked as a ticket, found in the inbox search, sent once after commit."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.search import matching_ids, parse
from pelatis.helpdesk.services.outreach import ticket_start_outbound

pytestmark = pytest.mark.django_db


def test_an_email_we_start_is_a_pending_ticket_found_by_its_words(papadopoulos: Customer, agent: Any) -> None:
    ticket = ticket_start_outbound(
        customer=papadopoulos,
        subject="Ανανέωση συνδρομής",
        body="Η συνδρομή σας λήγει στις 30 Ιουνίου.",
        by=agent,
    )
    assert ticket.status == Ticket.Status.PENDING
    assert ticket.requester_verified_at is not None
    [message] = Message.objects.filter(ticket=ticket)
    assert (message.direction, message.delivery) == ("out", "queued")
    assert ticket.pk in matching_ids(parse("ανανεωση συνδρομης"), limit=10)
