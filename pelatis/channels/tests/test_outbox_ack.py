"""An acknowledgement is never sent after a staff reply went out: a ticket logged through the API and
answered at once does not get «we received your message» two minutes later."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from pelatis.channels.jobs import job_acknowledgements
from pelatis.channels.outbound import acknowledgement_send
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket

pytestmark = pytest.mark.django_db


def _logged_by_api(api: Any, customer: Customer) -> Ticket:
    response = api.post(
        "/api/v1/tickets",
        {
            "customer_id": customer.pk,
            "subject": "Κράτηση Αυγούστου",
            "body": "Ο πελάτης ρωτά για δίκλινο 10-15 Αυγούστου.",
            "channel": "email",
        },
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    # the worker's acknowledgement job looks at tickets older than two minutes
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))
    return ticket


def _acknowledgements(ticket: Ticket) -> list[Message]:
    return list(Message.objects.filter(ticket=ticket, is_auto=True, direction=Message.Direction.OUTBOUND))


def test_a_ticket_answered_at_once_through_the_api_gets_no_acknowledgement_later(
    api_as: Any, agent: Any, papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a ticket logged through the API and answered at once
    api = api_as(agent)
    ticket = _logged_by_api(api, papadopoulos)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Ναι, έχουμε δίκλινο."})
    assert answer.status_code == 201
    assert len(django_mail.outbox) == 1  # the reply
    # when: the worker's acknowledgement job runs, and a late acknowledgement task too
    with django_capture_on_commit_callbacks(execute=True):
        result = job_acknowledgements()
        acknowledgement_send(ticket.pk)
    # then: no «we received your message» after the answer; the ticket counts as acknowledged
    assert result == "0 acknowledgements, 1 already answered"
    assert _acknowledgements(ticket) == []
    assert len(django_mail.outbox) == 1
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None


def test_a_reply_still_queued_also_stops_the_acknowledgement(
    api_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    api = api_as(agent)
    ticket = _logged_by_api(api, papadopoulos)
    api.post(
        f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Ναι, έχουμε δίκλινο."}
    )  # queued, not sent yet
    acknowledgement_send(ticket.pk)
    assert _acknowledgements(ticket) == []
    assert django_mail.outbox == []


def test_an_unanswered_ticket_still_gets_its_acknowledgement(
    api_as: Any, agent: Any, papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _logged_by_api(api_as(agent), papadopoulos)
    with django_capture_on_commit_callbacks(execute=True):
        assert job_acknowledgements() == "1 acknowledgements, 0 already answered"
    assert len(_acknowledgements(ticket)) == 1
    assert len(django_mail.outbox) == 1
