"""`pelatis mail poll` against a real Dovecot IMAP server on 127.0.0.1."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from pelatis.channels.models import Mailbox
from pelatis.channels.tests.test_ingest import mail
from pelatis.helpdesk.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _mailbox(dovecot: Any, name: str) -> Mailbox:
    """A mailbox on the test Dovecot, its password read from PELATIS_TEST_IMAP_PASSWORD."""
    return Mailbox.objects.create(
        name=name,
        host="127.0.0.1",
        port=dovecot.port,
        use_ssl=False,
        username=dovecot.user,
        password_env="PELATIS_TEST_IMAP_PASSWORD",
    )


def test_poll_ingests_unseen_mail_once(
    dovecot: Any, smtp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: two messages waiting, one Greek in windows-1253
    dovecot.append(mail(charset="windows-1253"))
    dovecot.append(
        mail(
            sender="Anna Schmidt <anna@example.de>",
            subject="Zimmer im Mai",
            body="Guten Tag, ist ein Zimmer frei?",
        )
    )
    monkeypatch.setenv("PELATIS_TEST_IMAP_PASSWORD", dovecot.password)
    _mailbox(dovecot, "reservations")
    # when
    out = io.StringIO()
    call_command("mail", "poll", stdout=out)
    # then
    assert "ticket 2" in out.getvalue()
    assert Ticket.objects.count() == 2
    assert Message.objects.filter(body_text__contains="δίκλινο 10-15 Αυγούστου").exists()
    # a second poll finds them seen
    again = io.StringIO()
    call_command("mail", "poll", stdout=again)
    assert "nothing new" in again.getvalue()
    assert Ticket.objects.count() == 2


def test_a_broken_mailbox_is_reported_not_fatal(dovecot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PELATIS_TEST_IMAP_PASSWORD", "wrong")
    _mailbox(dovecot, "broken")
    out = io.StringIO()
    call_command("mail", "poll", stdout=out)
    assert "broken: error" in out.getvalue()
    assert Mailbox.objects.get(name="broken").last_error
