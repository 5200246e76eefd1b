"""Outbound email as an outbox: a Message-ID from the moment it is queued, no transaction open while a mail
server is talked to, retries that back off and stop with a visible failure, interrupted sends resolved."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, ClassVar

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pelatis.channels import outbound
from pelatis.channels.jobs import job_outbound_retry
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.feedback.jobs import csat_send, job_nps_surveys
from pelatis.feedback.services import nps_campaign_create
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)


class TransactionWatchingBackend(BaseEmailBackend):
    """Delivers nothing; remembers, per email, whether a database transaction was open while it was sent."""

    sent: ClassVar[list[tuple[str, bool]]] = []

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            self.sent.append((str(message.subject), connection.in_atomic_block))
        return len(email_messages)


def _ticket() -> Ticket:
    return Ticket.objects.get(pk=mail_ingest(mail()).ticket_id)


def test_no_email_is_sent_with_a_database_transaction_open(settings: Any, agent: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.TransactionWatchingBackend"
    settings.PELATIS_BASE_URL = "http://testserver"
    TransactionWatchingBackend.sent.clear()
    ticket = _ticket()  # the acknowledgement
    reply_send(ticket=ticket, body_text="Ναι, έχουμε δίκλινο.", by=agent, status="resolved")  # the reply
    Ticket.objects.filter(pk=ticket.pk).update(
        follow_up_due=timezone.now() - dt.timedelta(minutes=1),
        resolved_at=timezone.now() - dt.timedelta(hours=2),
    )
    outbound.follow_up_send(ticket.pk)  # the follow-up
    assert csat_send(ticket.pk)  # the rating email
    nps_campaign_create(name="NPS")
    assert job_nps_surveys() == "1 NPS surveys"
    sent = TransactionWatchingBackend.sent
    assert len(sent) == 5, sent
    assert [subject for subject, in_transaction in sent if in_transaction] == []


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
