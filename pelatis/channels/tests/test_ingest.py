"""Inbound mail end to end: parse, thread, store; acknowledgements and replies over a real SMTP server."""

from __future__ import annotations

import io
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.core.management import call_command

from pelatis.channels.models import QuarantinedMail
from pelatis.channels.services import mail_ingest
from pelatis.customers.models import ContactPoint, Customer
from pelatis.helpdesk.models import Attachment, Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)  # replies go out on commit


def mail(
    *,
    sender: str = "Γιώργος Παπαδόπουλος <g.papadopoulos@example.gr>",
    subject: str = "Κράτηση για τον Αύγουστο",
    body: str = "Καλησπέρα σας,\nέχετε διαθέσιμο δίκλινο 10-15 Αυγούστου;\n",
    charset: str = "utf-8",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "reservations@hotel.example.gr"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="example.gr")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body, charset=charset)
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def ingested(raw: bytes, *, team_id: int | None = None) -> Ticket:
    """The ticket a mail opened or landed on (the ingestion must have filed it on one)."""
    result = mail_ingest(raw, team_id=team_id)
    assert result.ticket_id is not None, result
    return Ticket.objects.get(pk=result.ticket_id)


def test_new_mail_from_an_unknown_sender_opens_a_ticket_and_is_acknowledged(smtp_server: Any) -> None:
    # when: a Greek customer writes in windows-1253
    result = mail_ingest(mail(charset="windows-1253"))
    # then
    assert result.outcome == "ticket"
    assert result.ticket_id is not None
    ticket = Ticket.objects.get(pk=result.ticket_id)
    customer = ticket.customer
    assert (customer.first_name, customer.last_name) == ("Γιώργος", "Παπαδόπουλος")
    assert ContactPoint.objects.filter(customer=customer, value="g.papadopoulos@example.gr").exists()
    assert "δίκλινο 10-15 Αυγούστου" in ticket.messages.get(direction="in").body_text
    assert ticket.language == "el"
    [ack] = smtp_server.messages
    assert ack["To"] == "g.papadopoulos@example.gr"
    assert f"[#{ticket.pk}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == ticket.messages.get(direction="in").message_id
    text = ack.get_body(("plain",)).get_content()
    assert text.startswith("Καλημέρα σας,")  # no title on file: a polite greeting without a name
    assert "«Κράτηση για τον Αύγουστο»" in text or "“Κράτηση για τον Αύγουστο”" in text
    assert "Σας ευχαριστούμε" in text  # the customer's language, not the agent's
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None


def test_the_same_message_delivered_twice_is_stored_once(smtp_server: Any) -> None:
    raw = mail()
    first, second = mail_ingest(raw), mail_ingest(raw)
    assert first.outcome == "ticket"
    assert second.outcome == "duplicate"
    assert Message.objects.filter(direction="in").count() == 1
    assert len(smtp_server.messages) == 1


def test_agent_reply_is_threaded_and_the_customer_answer_reopens(smtp_server: Any, agent: Any) -> None:
    # given: a ticket from a known, formal customer
    result = mail_ingest(mail())
    assert result.ticket_id is not None
    ticket = Ticket.objects.get(pk=result.ticket_id)
    Customer.objects.filter(pk=ticket.customer_id).update(title="κ.", formal=True)
    original = ticket.messages.get(direction="in").message_id
    # when: the agent answers and resolves
    from pelatis.helpdesk.models import CannedReply
    from pelatis.helpdesk.services.replies import canned_render

    ticket.refresh_from_db()
    canned = canned_render(
        reply=CannedReply.objects.get(name="Διαθεσιμότητα", language="el"), ticket=ticket, agent=agent
    )
    reply_send(ticket=ticket, body_text=canned + "\nΣας κρατάμε το δωμάτιο.", by=agent, status="resolved")
    # then: the email carries the threading headers and Greek text
    sent = smtp_server.messages[-1]
    assert sent["In-Reply-To"] == original
    assert original in sent["References"]
    subject = str(sent["Subject"]).strip()
    assert subject == f"Re: Κράτηση για τον Αύγουστο [#{ticket.pk}]"
    plain = sent.get_body(("plain",)).get_content()
    assert plain.startswith("Αγαπητέ κύριε Παπαδόπουλε,")
    assert plain.count("Αγαπητέ") == 1  # the canned reply's greeting, not a second one around it
    assert "Σας κρατάμε το δωμάτιο" in sent.get_body(("html",)).get_content()
    stored = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    assert stored.delivery == "sent"
    assert stored.message_id == sent["Message-ID"]
    # when: the customer answers the agent's email
    answer = mail_ingest(
        mail(subject=f"Re: {subject}", body="Ευχαριστώ! Και πρωινό;", in_reply_to=sent["Message-ID"])
    )
    # then: same ticket, reopened
    assert answer.outcome == "reply"
    assert answer.ticket_id == ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.reopened_count == 1


def test_a_reply_that_arrives_before_its_original_is_threaded_with_it(smtp_server: Any) -> None:
    original_id = make_msgid(domain="example.gr")
    early = mail_ingest(
        mail(subject="Re: Κράτηση", body="Ξέχασα: είμαστε δύο άτομα.", in_reply_to=original_id)
    )
    late = mail_ingest(mail(message_id=original_id))
    assert late.outcome == "reply"
    assert late.ticket_id == early.ticket_id
    assert Ticket.objects.count() == 1


def test_ticket_token_from_the_same_customer_threads_but_a_stranger_gets_a_new_ticket(
    smtp_server: Any,
) -> None:
    first = mail_ingest(mail())
    same = mail_ingest(mail(subject=f"Ερώτηση [#{first.ticket_id}]", body="Και κάτι ακόμα"))
    stranger = mail_ingest(
        mail(sender="other@example.com", subject=f"Ερώτηση [#{first.ticket_id}]", body="Hello")
    )
    assert same.ticket_id == first.ticket_id
    assert stranger.outcome == "ticket"
    assert stranger.ticket_id != first.ticket_id


def test_auto_replies_and_garbage_never_open_tickets_and_are_kept(smtp_server: Any) -> None:
    auto = mail_ingest(
        mail(
            sender="noreply@example.com", subject="Out of office", headers={"Auto-Submitted": "auto-replied"}
        )
    )
    garbage = mail_ingest(b"\x00\x01\x02 not a mail")
    assert auto.outcome == "ignored"
    assert garbage.outcome == "quarantined"
    assert Ticket.objects.count() == 0
    assert QuarantinedMail.objects.count() == 2
    assert smtp_server.messages == []


def test_attachments_are_kept_or_visibly_rejected(smtp_server: Any) -> None:
    raw = mail(
        attachments=[
            ("τιμολόγιο.pdf", "application/pdf", b"%PDF-1.4 test"),
            ("setup.exe", "application/octet-stream", b"MZ\x90\x00rest"),
        ]
    )
    result = mail_ingest(raw)
    assert result.ticket_id is not None
    atts = {a.filename: a for a in Attachment.objects.filter(message__ticket_id=result.ticket_id)}
    assert atts["τιμολόγιο.pdf"].rejected == ""
    assert atts["τιμολόγιο.pdf"].file.read() == b"%PDF-1.4 test"
    assert "blocked" in atts["setup.exe"].rejected
    assert not atts["setup.exe"].file


def test_mail_ingest_command_reads_stdin(smtp_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = mail()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("mail", "ingest", stdout=out)
    assert out.getvalue().startswith("ticket ticket=")
    assert Ticket.objects.count() == 1


def test_the_acknowledgement_text_part_keeps_ampersands_and_quotes_as_written(smtp_server: Any) -> None:
    # given: a subject with characters HTML escapes
    mail_ingest(mail(subject='Q&A για "Το Κτήμα" <Νάξος>'))
    # then: the plain-text part shows them as written; the HTML part escapes them
    [ack] = smtp_server.messages
    text = ack.get_body(("plain",)).get_content()
    assert 'Q&A για "Το Κτήμα" <Νάξος>' in text
    assert "&amp;" not in text
    html = ack.get_body(("html",)).get_content()
    assert "Q&amp;A" in html
