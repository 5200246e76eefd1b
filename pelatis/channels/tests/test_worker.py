"""The worker's periodic jobs: follow-ups, retries after SMTP failures, SLA breaches; nothing is sent twice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from pelatis.channels.tests.test_ingest import ingested, mail
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)


def _worker_once() -> str:
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    return out.getvalue()


def test_follow_up_asks_once_in_the_customers_language(smtp_server: Any, agent: Any) -> None:
    ticket = ingested(mail())
    reply_send(ticket=ticket, body_text="Έγινε η κράτηση.", by=agent, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(follow_up_due=timezone.now() - dt.timedelta(minutes=1))
    before = len(smtp_server.messages)
    _worker_once()
    _worker_once()
    follow_ups = smtp_server.messages[before:]
    assert len(follow_ups) == 1
    assert str(follow_ups[0]["Subject"]).strip() == f"Λύθηκε το θέμα σας; [#{ticket.pk}]"
    assert "Σας βοήθησε η απάντησή μας;" in follow_ups[0].get_body(("plain",)).get_content()
    assert follow_ups[0]["In-Reply-To"] is not None
    assert Ticket.objects.get(pk=ticket.pk).follow_up_sent_at is not None


def test_a_reply_that_failed_to_send_is_retried_and_sent_once(
    smtp_server: Any, agent: Any, settings: Any
) -> None:
    ticket = ingested(mail())
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: the send fails
    message = reply_send(ticket=ticket, body_text="Η απάντησή μας.", by=agent)
    failed = Message.objects.get(pk=message.pk)
    assert failed.delivery == "failed"
    assert failed.next_attempt_at is not None  # tried again later, not given up
    # the SMTP server is back; the next try comes due and the worker sends it
    settings.EMAIL_PORT = good_port
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    before = len(smtp_server.messages)
    _worker_once()
    _worker_once()
    sent = [
        m for m in smtp_server.messages[before:] if "Η απάντησή μας." in m.get_body(("plain",)).get_content()
    ]
    assert len(sent) == 1
    assert Message.objects.get(pk=message.pk).delivery == "sent"


def test_sla_scan_marks_overdue_tickets(smtp_server: Any) -> None:
    ticket = ingested(mail())
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due=timezone.now() - dt.timedelta(minutes=5))
    assert "1 newly breached" in _worker_once()
    assert Ticket.objects.get(pk=ticket.pk).sla_breached
