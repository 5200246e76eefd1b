"""message_send against a real SMTP server on 127.0.0.1: one email per key (twice in a row, after a
crash between claim and send), consent and the weekly cap checked at send time, List-Unsubscribe
headers, Greek subject and body byte-correct, tracked links and the open pixel; SMS through a real
HTTP gateway on 127.0.0.1; a refused recipient recorded as bounced."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import socket
from collections.abc import Iterator
from email.header import decode_header
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from pelatis.channels.tests.test_sms import Gateway
from pelatis.channels.tests.test_sms import gateway as gateway  # noqa: F401 — the fixture, for the SMS test
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create
from pelatis.privacy.services import consent_record

from ..models import MessageTemplate, Send
from ..services.content import VersionInput, template_save
from ..services.sending import message_hold_out, message_retry, message_send

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)

GREEK_SUBJECT = "Χρόνια πολλά, {{ address }}! Δώρο 50 πόντοι"
GREEK_BODY = (
    "Αγαπητέ {{ address }},\n\nσας περιμένουμε στο κατάστημα για τη γιορτή σας.\n"
    "Δείτε τις προσφορές: https://shop.example.gr/prosfores?utm=γιορτή\n\nΜε εκτίμηση"
)


def customer(**fields: Any) -> Customer:
    fields.setdefault("first_name", "Γιώργος")
    fields.setdefault("last_name", "Παπαδόπουλος")
    fields.setdefault("title", "κ.")
    fields.setdefault("emails", [f"pelatis{next(_numbers)}@example.gr"])
    return customer_create(data=CustomerInput(**fields))


def message_template(
    *, channel: str = "email", purpose: str = "marketing", body: str = GREEK_BODY
) -> MessageTemplate:
    return template_save(
        name=f"template {next(_numbers)}",
        channel=channel,
        purpose=purpose,
        fallback_language="el",
        versions=[
            VersionInput(language="el", subject=GREEK_SUBJECT if channel == "email" else "", body=body)
        ],
    )


def opted_in(who: Customer, channel: str = "email") -> Customer:
    consent_record(customer=who, purpose="marketing", channel=channel, granted=True, source="form")
    return who


def text_of(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_sends_one_greek_email_with_unsubscribe_headers_and_tracking(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    chosen = message_template()

    send = message_send(key="test:1", customer_id=giorgos.pk, template=chosen, channel="email")

    assert send.status == Send.Status.SENT
    assert send.sent_at is not None
    (entry,) = giorgos.interactions.filter(source_type="engagement.send")
    assert (entry.channel, entry.direction, entry.source_id) == ("email", "out", str(send.pk))
    (received,) = smtp_server.messages
    # Python folds a long encoded subject onto the next line; mail clients drop the fold's space.
    assert str(received["Subject"]).strip() == "Χρόνια πολλά, κύριε Παπαδόπουλε! Δώρο 50 πόντοι"
    assert received["To"] == giorgos.contact_points.get().value
    text = text_of(received, "plain")
    assert "Αγαπητέ κύριε Παπαδόπουλε,\n\nσας περιμένουμε στο κατάστημα για τη γιορτή σας." in text
    assert "https://shop.example.gr/prosfores?utm=γιορτή" in text
    assert "/privacy/" in text  # the preferences link in the footer
    assert str(received["List-Unsubscribe"]).strip().startswith("<http")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Message-ID"].startswith(f"<engagement.{send.pk}.")
    html = text_of(received, "html")
    assert "κύριε Παπαδόπουλε" in html
    assert "/engagement/o/" in html  # the open pixel
    assert "/engagement/c/" in html  # the tracked link


def test_greek_arrives_byte_correct_in_utf8(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    message_send(key="test:bytes", customer_id=giorgos.pk, template=message_template(), channel="email")

    (received,) = smtp_server.messages
    raw = received.as_bytes()
    folded = re.search(rb"^Subject:(.*?)\r?\n(?=\S)", raw, re.MULTILINE | re.DOTALL)
    assert folded is not None
    words = decode_header(folded.group(1).decode("ascii"))
    assert all(charset == "utf-8" for _part, charset in words)  # RFC 2047 words in UTF-8, nothing mangled
    assert b"".join(part for part, _charset in words).decode("utf-8").strip() == (
        "Χρόνια πολλά, κύριε Παπαδόπουλε! Δώρο 50 πόντοι"
    )
    plain = received.get_body(preferencelist=("plain",))
    assert plain is not None
    assert plain.get_content_charset() == "utf-8"
    assert "σας περιμένουμε στο κατάστημα".encode() in plain.get_payload(decode=True)


def test_a_second_call_with_the_key_sends_nothing(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    chosen = message_template()

    first = message_send(key="test:twice", customer_id=giorgos.pk, template=chosen, channel="email")
    second = message_send(key="test:twice", customer_id=giorgos.pk, template=chosen, channel="email")

    assert len(smtp_server.messages) == 1
    assert second.pk == first.pk
    assert Send.objects.filter(key="test:twice").count() == 1


def test_a_claim_left_by_a_crash_is_retried_after_the_lease_and_sends_once(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    chosen = message_template()
    # given: a sender claimed the key, committed, and died before sending
    crashed = Send.objects.create(
        key="test:crash", customer=giorgos, channel="email", template=chosen, attempts=1
    )

    # while the lease runs, nobody else sends it
    assert (
        message_send(key="test:crash", customer_id=giorgos.pk, template=chosen, channel="email").status
        == "claimed"
    )
    assert smtp_server.messages == []

    # once it is stale, the next call takes it over and sends it, once
    Send.objects.filter(pk=crashed.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    retried = message_send(key="test:crash", customer_id=giorgos.pk, template=chosen, channel="email")
    again = message_send(key="test:crash", customer_id=giorgos.pk, template=chosen, channel="email")

    assert retried.pk == crashed.pk
    assert retried.status == Send.Status.SENT
    assert retried.attempts == 2
    assert again.status == Send.Status.SENT
    assert len(smtp_server.messages) == 1


def test_withdrawn_consent_is_skipped_and_nothing_reaches_the_server(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    consent_record(customer=giorgos, purpose="marketing", channel="email", granted=False, source="link")

    send = message_send(
        key="test:noconsent", customer_id=giorgos.pk, template=message_template(), channel="email"
    )

    assert (send.status, send.skip_reason) == (Send.Status.SKIPPED, Send.Skip.NO_CONSENT)
    assert smtp_server.messages == []


def test_marketing_without_any_consent_record_is_not_sent(smtp_server: Any) -> None:
    send = message_send(
        key="test:optin", customer_id=customer().pk, template=message_template(), channel="email"
    )
    assert send.skip_reason == Send.Skip.NO_CONSENT
    assert smtp_server.messages == []


def test_the_weekly_cap_counts_every_campaign_and_spares_service_messages(
    smtp_server: Any, settings: Any
) -> None:
    settings.PELATIS_ENGAGEMENT_MAX_PER_WEEK = 2
    giorgos = opted_in(customer())
    marketing, service = message_template(), message_template(purpose="service")

    outcomes = [
        message_send(key=f"test:cap:{n}", customer_id=giorgos.pk, template=marketing, channel="email")
        for n in range(3)
    ]
    notice = message_send(key="test:cap:service", customer_id=giorgos.pk, template=service, channel="email")

    assert [s.status for s in outcomes] == ["sent", "sent", "skipped"]
    assert outcomes[2].skip_reason == Send.Skip.FREQUENCY_CAP
    assert notice.status == Send.Status.SENT
    assert "List-Unsubscribe" not in smtp_server.messages[-1]  # a service message is not a mailing
    assert len(smtp_server.messages) == 3


def test_no_email_address_is_skipped(smtp_server: Any) -> None:
    nobody = opted_in(customer(emails=[]))
    send = message_send(
        key="test:noaddr", customer_id=nobody.pk, template=message_template(), channel="email"
    )
    assert send.skip_reason == Send.Skip.NO_ADDRESS
    assert smtp_server.messages == []


def test_hold_out_records_a_row_and_sends_nothing(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    held = message_hold_out(key="test:held", customer_id=giorgos.pk)
    later = message_send(
        key="test:held", customer_id=giorgos.pk, template=message_template(), channel="email"
    )
    assert held.status == later.status == Send.Status.HELD_OUT
    assert smtp_server.messages == []


class RefusingSink:
    """An SMTP server that refuses one recipient at RCPT TO (a mailbox that does not exist)."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.messages: list[bytes] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802 — aiosmtpd's name
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def refusing_smtp(settings: Any) -> Iterator[RefusingSink]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = RefusingSink("gone@example.gr")
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_a_refused_recipient_is_recorded_as_bounced(refusing_smtp: RefusingSink) -> None:
    gone = opted_in(customer(emails=["gone@example.gr"]))

    send = message_send(key="test:bounce", customer_id=gone.pk, template=message_template(), channel="email")

    assert send.status == Send.Status.FAILED
    assert send.bounced_at is not None
    assert "550" in send.error
    assert refusing_smtp.messages == []


def test_a_mail_server_that_is_down_is_recorded_as_failed_not_bounced(settings: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    giorgos = opted_in(customer())

    send = message_send(key="test:down", customer_id=giorgos.pk, template=message_template(), channel="email")

    assert send.status == Send.Status.FAILED
    assert send.bounced_at is None
    assert send.error


def test_sms_goes_through_the_http_gateway_in_greek(gateway: Gateway) -> None:  # noqa: F811 — the fixture
    eleni = opted_in(
        customer(first_name="Ελένη", last_name="Κωνσταντίνου", title="κα", phones=["6971234567"]),
        channel="sms",
    )
    chosen = message_template(channel="sms", body="{{ address }}, σας περιμένουμε! Έκπτωση 20% έως Κυριακή.")

    send = message_send(key="test:sms", customer_id=eleni.pk, template=chosen, channel="sms")
    again = message_send(key="test:sms", customer_id=eleni.pk, template=chosen, channel="sms")

    assert send.status == again.status == Send.Status.SENT
    assert send.to_address == "+306971234567"
    (request,) = gateway.received
    assert json.loads(request["body"].decode("utf-8"))["text"] == (
        "κυρία Κωνσταντίνου, σας περιμένουμε! Έκπτωση 20% έως Κυριακή."
    )


def test_tracked_link_redirects_to_its_target_and_records_the_click(smtp_server: Any, client: Client) -> None:
    giorgos = opted_in(customer())
    send = message_send(
        key="test:click", customer_id=giorgos.pk, template=message_template(), channel="email"
    )
    html = text_of(smtp_server.messages[0], "html")
    link = re.search(r'href="http://[^/"]+(/engagement/c/[^"]+)"', html)
    pixel = re.search(r'src="http://[^/"]+(/engagement/o/[^"]+)"', html)
    assert link is not None
    assert pixel is not None

    response = client.get(link.group(1).replace("&amp;", "&"))
    client.get(link.group(1).replace("&amp;", "&"))
    opened = client.get(pixel.group(1))

    assert response.status_code == 302
    assert response["Location"] == iri_to_uri("https://shop.example.gr/prosfores?utm=γιορτή")
    assert opened.status_code == 200
    assert opened["Content-Type"] == "image/gif"
    send.refresh_from_db()
    assert send.clicks == 2
    assert send.clicked_at is not None
    assert send.opened_at is not None


def test_the_timeline_entry_leads_to_the_template(smtp_server: Any) -> None:
    from pelatis.core.hooks import contributions_by_key

    giorgos = opted_in(customer())
    chosen = message_template()
    send = message_send(key="test:timeline", customer_id=giorgos.pk, template=chosen, channel="email")

    links = contributions_by_key("CUSTOMER_TIMELINE_LINKS")["engagement.send"]([str(send.pk), "nonsense"])

    assert links == {str(send.pk): f"/engagement/templates/{chosen.pk}/"}


def test_a_message_failed_while_the_server_was_down_is_retried_once_it_is_back(
    settings: Any, smtp_server: Any
) -> None:
    giorgos = opted_in(customer())
    chosen = message_template()
    working_port = settings.EMAIL_PORT
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]  # nothing listens there: the server is "down"
    failed = message_send(key="test:retry", customer_id=giorgos.pk, template=chosen, channel="email")
    assert failed.status == Send.Status.FAILED

    settings.EMAIL_PORT = working_port
    retried = message_retry(send_id=failed.pk)
    again = message_retry(send_id=failed.pk)

    assert retried.status == again.status == Send.Status.SENT
    assert retried.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_bounced_message_is_not_retried(refusing_smtp: RefusingSink) -> None:
    gone = opted_in(customer(emails=["gone@example.gr"]))
    bounced = message_send(
        key="test:nobounce", customer_id=gone.pk, template=message_template(), channel="email"
    )

    assert message_retry(send_id=bounced.pk).attempts == 1
    assert refusing_smtp.messages == []


def test_without_a_mail_server_the_email_lands_in_the_outbox(settings: Any) -> None:
    from pelatis.channels.models import OutboxMessage
    from pelatis.channels.outbox import OUTBOX_BACKEND, outbox_render

    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    giorgos = opted_in(customer())

    send = message_send(
        key="test:outbox", customer_id=giorgos.pk, template=message_template(), channel="email"
    )

    assert send.status == Send.Status.SENT
    (stored,) = OutboxMessage.objects.all()
    assert stored.subject.strip() == "Χρόνια πολλά, κύριε Παπαδόπουλε! Δώρο 50 πόντοι"
    shown = outbox_render(stored)
    assert "σας περιμένουμε στο κατάστημα" in shown.text
    assert any(name == "List-Unsubscribe-Post" for name, _value in shown.headers)
