"""The in-app outbox: with no mail server configured, outgoing email is kept in the app as sent, shown to
staff as the customer would see it; every outgoing message shows its real state on the ticket."""

from __future__ import annotations

import datetime as dt
import email
import html
import os
import subprocess
import sys
from email import policy
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pelatis.channels.models import OutboxMessage
from pelatis.channels.outbox import OUTBOX_BACKEND
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.helpdesk.models import Message, Ticket

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_mode(settings: Any) -> None:
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.LANGUAGE_CODE = "en"


def _ticket(capture: Any) -> Ticket:
    with capture(execute=True):  # the acknowledgement goes out after commit
        result = mail_ingest(mail())
    assert result.ticket_id is not None
    return Ticket.objects.get(pk=result.ticket_id)


def _reply(client: Any, ticket: Ticket, capture: Any, *, execute: bool = True) -> Any:
    with capture(execute=execute):
        response = client.post(
            reverse("helpdesk:reply", args=[ticket.pk]),
            {"body": "Ναι, έχουμε δίκλινο 10-15 Αυγούστου.", "status": "pending"},
            follow=True,
        )
    assert response.status_code == 200
    return response


def _flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db(
    transaction=True
)  # the reply's email goes out as its transaction commits, as in a live server
def test_without_a_mail_server_the_reply_is_kept_in_the_outbox_as_sent(
    outbox_mode: None, client_as: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a customer's email opened a ticket (its acknowledgement went to the outbox)
    ticket = _ticket(django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.count() == 1
    client = client_as(agent)
    # when: the agent replies
    response = _reply(client, ticket, django_capture_on_commit_callbacks)
    # then: the reply is in the outbox, whole, under the Message-ID the ticket keeps
    reply = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    assert reply.delivery == "sent"
    assert reply.sent_at is not None
    stored = OutboxMessage.objects.get(message_id=reply.message_id)
    parsed = email.message_from_bytes(bytes(stored.raw), policy=policy.default)
    assert parsed["To"] == "g.papadopoulos@example.gr"
    plain = parsed.get_body(("plain",))
    assert plain is not None
    assert "Ναι, έχουμε δίκλινο" in plain.get_content()
    assert f"[#{ticket.pk}]" in stored.subject
    assert ["Message-ID", reply.message_id] in stored.headers
    # the agent is told where it went, and the ticket page says so and links to it
    assert _flash(response) == ["Reply put in the outbox — no mail server configured."]
    page = response.content.decode()
    assert 'data-delivery="sent" data-outbox' in page
    assert reverse("outbox:for_message", args=[reply.pk]) in page
    assert client.get(reverse("outbox:for_message", args=[reply.pk])).url == reverse(
        "outbox:message", args=[stored.pk]
    )


def test_the_outbox_lists_each_email_and_shows_it_as_the_customer_sees_it(
    outbox_mode: None, client_as: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket(django_capture_on_commit_callbacks)
    client = client_as(agent)
    _reply(client, ticket, django_capture_on_commit_callbacks)
    reply = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    stored = OutboxMessage.objects.get(message_id=reply.message_id)

    listing = client.get(reverse("outbox:list")).content.decode()
    assert 'data-mail-mode="outbox"' in listing
    assert f'data-outbox="{stored.pk}"' in listing
    assert html.escape(stored.subject) in listing
    assert listing.count('data-outbox="') == 2  # the acknowledgement and the reply

    detail = client.get(reverse("outbox:message", args=[stored.pk])).content.decode()
    # the HTML part in a sandbox (no scripts, no access to the staff page), the text part, every header
    assert 'sandbox=""' in detail
    frame = client.get(reverse("outbox:html", args=[stored.pk]))
    assert f'src="{reverse("outbox:html", args=[stored.pk])}"' in detail
    assert "Ναι, έχουμε δίκλινο" in frame.content.decode()
    # the frame's own policy: inline style attributes (mail clients need them), nothing else, sandboxed
    policy = frame["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert (
        "'unsafe-inline'"
        not in client.get(reverse("outbox:message", args=[stored.pk]))["Content-Security-Policy"]
    )
    assert "data-email-text" in detail
    assert reply.message_id is not None
    assert html.escape(reply.message_id) in detail
    assert "In-Reply-To" in detail
    raw = client.get(reverse("outbox:raw", args=[stored.pk]))
    assert raw["Content-Type"] == "message/rfc822"
    assert bytes(raw.content) == bytes(stored.raw)


def test_an_html_part_cannot_run_in_the_staff_page(outbox_mode: None, client_as: Any, agent: Any) -> None:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Hi", "text", "shop@example.gr", ["c@example.gr"])
    message.attach_alternative('<p>Hello</p><script>alert("x")</script>', "text/html")
    message.send()
    stored = OutboxMessage.objects.get()
    staff = client_as(agent)
    detail = staff.get(reverse("outbox:message", args=[stored.pk])).content.decode()
    assert "<script>alert" not in detail  # the staff page never carries the email's HTML
    frame = staff.get(reverse("outbox:html", args=[stored.pk]))
    # the frame is sandboxed twice (the iframe's attribute and its own policy) and allows no script
    assert 'sandbox=""' in detail
    assert "sandbox" in frame["Content-Security-Policy"]
    assert "default-src 'none'" in frame["Content-Security-Policy"]


def test_the_outbox_is_for_staff(outbox_mode: None, client_as: Any, outsider: Any, client: Any) -> None:
    from django.core.mail import send_mail

    send_mail("Hi", "text", "shop@example.gr", ["c@example.gr"])
    stored = OutboxMessage.objects.get()
    assert client.get(reverse("outbox:list")).status_code == 302  # to the log-in
    staff = client_as(outsider)
    assert staff.get(reverse("outbox:list")).status_code == 403
    assert staff.get(reverse("outbox:message", args=[stored.pk])).status_code == 403


def test_a_reply_only_queued_is_never_called_sent(
    outbox_mode: None, client_as: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket(django_capture_on_commit_callbacks)
    client = client_as(agent)
    # when: the reply is queued and the worker has not sent it yet
    response = _reply(client, ticket, django_capture_on_commit_callbacks, execute=False)
    reply = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    assert reply.delivery == "queued"
    # then: neither the message after sending nor the ticket page says it was sent
    assert _flash(response) == ["Reply saved and queued: it goes out by email in a moment."]
    page = response.content.decode()
    assert f'id="m{reply.pk}"' in page
    reply_html = page.split(f'id="m{reply.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-delivery="queued"' in reply_html
    assert "Emailed" not in reply_html
    assert "In the outbox" not in reply_html
    # and the outbox page lists it as waiting
    listing = client.get(reverse("outbox:list")).content.decode()
    assert f'data-pending="{reply.pk}"' in listing


def test_a_failed_send_shows_why_and_the_next_try(
    outbox_mode: None, client_as: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket(django_capture_on_commit_callbacks)
    client = client_as(agent)
    _reply(client, ticket, django_capture_on_commit_callbacks, execute=False)
    reply = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    next_try = timezone.now() + dt.timedelta(minutes=4)
    Message.objects.filter(pk=reply.pk).update(
        delivery="failed",
        attempts=2,
        next_attempt_at=next_try,
        delivery_error="SMTPConnectError: connection refused",
    )
    page = client.get(reverse("helpdesk:ticket", args=[ticket.pk])).content.decode()
    reply_html = page.split(f'id="m{reply.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-delivery="retrying"' in reply_html
    assert "SMTPConnectError: connection refused" in reply_html
    assert timezone.localtime(next_try).strftime("%H:%M") in reply_html
    listing = client.get(reverse("outbox:list")).content.decode()
    row = listing.split(f'data-pending="{reply.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-delivery="retrying"' in row
    assert "connection refused" in row


def test_the_automatic_acknowledgement_shows_its_state(
    outbox_mode: None, client_as: Any, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket(django_capture_on_commit_callbacks)
    ack = Message.objects.get(ticket=ticket, is_auto=True, direction="out")
    page = client_as(agent).get(reverse("helpdesk:ticket", args=[ticket.pk])).content.decode()
    ack_html = page.split(f'id="m{ack.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-delivery="sent" data-outbox' in ack_html
    Message.objects.filter(pk=ack.pk).update(delivery="queued", sent_at=None)
    page = client_as(agent).get(reverse("helpdesk:ticket", args=[ticket.pk])).content.decode()
    ack_html = page.split(f'id="m{ack.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-delivery="queued"' in ack_html
    assert "Automatic message sent" not in ack_html


def _email_backend(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "pelatis.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_mail_goes_to_the_outbox_until_an_email_host_is_set(tmp_path: Path) -> None:
    assert _email_backend(PELATIS_DATA_DIR=str(tmp_path)) == OUTBOX_BACKEND
    assert (
        _email_backend(PELATIS_DATA_DIR=str(tmp_path), PELATIS_EMAIL_HOST="smtp.example.gr")
        == "django.core.mail.backends.smtp.EmailBackend"
    )
    assert (
        _email_backend(
            PELATIS_DATA_DIR=str(tmp_path),
            PELATIS_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        == "django.core.mail.backends.console.EmailBackend"
    )
