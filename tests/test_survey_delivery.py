"""Surveys go out like every other email about a ticket: never with a database transaction open while a
mail server is talked to (the acknowledgement, the reply, the follow-up, the CSAT and NPS surveys)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from pelatis.channels import outbound
from pelatis.channels.tests.test_ingest import ingested, mail
from pelatis.feedback.jobs import csat_send, job_nps_surveys
from pelatis.feedback.services import nps_campaign_create
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)


class TransactionWatchingBackend(BaseEmailBackend):
    """Delivers nothing; remembers, per email, whether a database transaction was open while it was sent."""

    sent: ClassVar[list[tuple[str, bool]]] = []

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            self.sent.append((str(message.subject), connection.in_atomic_block))
        return len(email_messages)


def test_no_email_is_sent_with_a_database_transaction_open(settings: Any, agent: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.TransactionWatchingBackend"
    settings.PELATIS_BASE_URL = "http://testserver"
    TransactionWatchingBackend.sent.clear()
    ticket = ingested(mail())  # the acknowledgement
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
