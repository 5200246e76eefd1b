"""Outbound email as an outbox: a Message-ID from the moment it is queued, retries that back off and stop
with a visible failure, interrupted sends resolved (no transaction open while sending: tests/test_survey_delivery.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pelatis.channels import outbound
from pelatis.channels.jobs import job_outbound_retry
from pelatis.channels.tests.test_ingest import ingested, mail
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)


def _ticket() -> Ticket:
    return ingested(mail())


def test_a_reply_keeps_its_message_id_from_queue_to_retry_and_backs_off(
    smtp_server: Any, agent: Any, settings: Any
) -> None:
    ticket = _ticket()
    good_port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1  # nothing listens there
    message = reply_send(ticket=ticket, body_text="Η απάντησή μας.", by=agent)
    queued_id = Message.objects.get(pk=message.pk).message_id
    assert queued_id  # given when it was queued, before any try
    waits = []
    for _try in range(3):
        failed = Message.objects.get(pk=message.pk)
        assert (failed.delivery, failed.message_id) == ("failed", queued_id)
        assert failed.next_attempt_at is not None
        waits.append(round((failed.next_attempt_at - timezone.now()).total_seconds() / 60))
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        job_outbound_retry()
    assert waits == [2, 4, 8]  # minutes: each wait doubles
    settings.EMAIL_PORT = good_port
    before = len(smtp_server.messages)
    job_outbound_retry()
    assert len(smtp_server.messages) == before  # the next try is 16 minutes away
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    job_outbound_retry()
    sent = Message.objects.get(pk=message.pk)
    assert (sent.delivery, sent.attempts, sent.message_id) == ("sent", 5, queued_id)
    assert [m["Message-ID"] for m in smtp_server.messages[before:]] == [queued_id]


def test_after_the_last_try_the_ticket_shows_the_email_was_not_delivered(
    client_as: Any, agent: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    settings.PELATIS_EMAIL_MAX_ATTEMPTS = 2
    ticket = _ticket()
    message = reply_send(ticket=ticket, body_text="Η απάντησή μας.", by=agent)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    job_outbound_retry()
    given_up = Message.objects.get(pk=message.pk)
    assert (given_up.delivery, given_up.attempts, given_up.next_attempt_at) == ("failed", 2, None)
    assert job_outbound_retry() == "0 replies retried"  # no third try
    page = client_as(agent).get(reverse("helpdesk:ticket", args=[ticket.pk])).content.decode()
    assert 'data-delivery="failed"' in page
    assert "data-delivery-error" in page
    assert "ConnectionRefusedError" in page


def test_a_message_left_sending_by_a_dead_sender_goes_again_with_its_message_id(
    smtp_server: Any, agent: Any
) -> None:
    ticket = _ticket()
    message = reply_send(ticket=ticket, body_text="Η απάντησή μας.", by=agent, send_email=True)
    sent_id = Message.objects.get(pk=message.pk).message_id
    # the sender claimed it and died before recording: still "sending"
    Message.objects.filter(pk=message.pk).update(
        delivery="sending", sent_at=None, claimed_by="", claimed_at=timezone.now() - dt.timedelta(seconds=30)
    )
    before = len(smtp_server.messages)
    job_outbound_retry()
    assert len(smtp_server.messages) == before  # within its lease: maybe still sending, left alone
    Message.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - outbound.sending_lease() - dt.timedelta(seconds=1)
    )
    job_outbound_retry()
    resent = Message.objects.get(pk=message.pk)
    assert resent.delivery == "sent"
    assert [m["Message-ID"] for m in smtp_server.messages[before:]] == [sent_id]


def test_an_acknowledgement_queued_before_a_crash_is_sent_later_once(
    smtp_server: Any, monkeypatch: Any
) -> None:
    # given: the process dies right after the acknowledgement was queued (committed), before sending it
    monkeypatch.setattr(outbound, "message_deliver", lambda message_id: "")
    ticket = _ticket()
    monkeypatch.undo()
    ack = Message.objects.get(ticket=ticket, direction="out", is_auto=True)
    assert (ack.delivery, bool(ack.message_id)) == ("queued", True)
    assert smtp_server.messages == []
    # when: the worker runs twice, a little later
    Message.objects.filter(pk=ack.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    call_command("worker", "--once", stdout=io.StringIO())
    Message.objects.filter(pk=ack.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    job_outbound_retry()
    # then: one acknowledgement, under the Message-ID it was queued with
    assert [m["Message-ID"] for m in smtp_server.messages] == [ack.message_id]
    assert Message.objects.get(pk=ack.pk).delivery == "sent"
    assert Message.objects.filter(ticket=ticket, is_auto=True).count() == 1
