"""A web-form request made in someone else's name captures nothing of theirs: not their mail, not our
answers, not their profile; the address proves itself only through its own mailbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from pelatis.channels.portal import PORTAL_SALT, portal_link
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket, TicketEvent
from pelatis.helpdesk.services.tickets import note_add, reply_send

pytestmark = pytest.mark.django_db(transaction=True)  # acknowledgements go out on commit

VICTIM = "g.papadopoulos@example.gr"
SUBJECT = "Κράτηση για τον Αύγουστο"


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def stranger_posts(client: Client, **changes: str) -> tuple[Ticket, str]:
    data = {
        "name": "Κάποιος Άλλος",
        "email": VICTIM,
        "phone": "",
        "type": "question",
        "subject": SUBJECT,
        "message": "Στείλτε μου ό,τι έχετε για μένα.",
        "consent": "on",
        "website": "",
        "time_zone": "Europe/Athens",
    }
    data.update(changes)
    response = client.post("/support/", data)
    assert response.status_code == 302, response.content[:500]
    return Ticket.objects.filter(channel="web").latest("id"), response["Location"]


def mailbox_link(smtp_server: Any, ticket: Ticket) -> str:
    [ack] = [m for m in smtp_server.messages if f"[#{ticket.pk}]" in m["Subject"]]
    found = re.search(r"https?://[^/\s]+(/support/t/[^/\s]+/)", ack.get_body(("plain",)).get_content())
    assert found
    return found.group(1)


def test_a_strangers_request_in_a_customers_name_captures_neither_their_mail_nor_our_answers(
    client: Client, papadopoulos: Customer, agent: Any, smtp_server: Any
) -> None:
    # given: a customer with history, and a stranger who files a request with their address and a guessable subject
    mail_ingest(mail(subject="Τιμολόγιο Ιουλίου", body="Το ΑΦΜ μου είναι 123456789."))
    stolen, visitor_link = stranger_posts(client)
    assert stolen.customer_id == papadopoulos.pk  # staff see it under the customer...
    assert stolen.requester_verified_at is None  # ...as unverified

    # when: the real customer writes by email with the same subject
    result = mail_ingest(
        mail(subject=SUBJECT, body="Καλησπέρα, θα ήθελα δίκλινο 10-15 Αυγούστου, ΑΦΜ 123456789.")
    )

    # then: the mail opens a ticket of its own instead of joining the stranger's request
    assert result.outcome == "ticket"
    assert result.ticket_id != stolen.pk
    assert not stolen.messages.filter(direction="in", from_email=VICTIM, via="").exists()

    # and when: staff answer the stranger's request and write a note
    reply_send(ticket=stolen, body_text="Σας στείλαμε το τιμολόγιο στο email σας.", by=agent)
    note_add(ticket=stolen, body_text="ΕΣΩΤΕΡΙΚΟ σημείωμα", by=agent)

    # then: the stranger's link shows what the stranger typed and nothing else
    html = client.get(visitor_link).content.decode()
    assert "Στείλτε μου ό,τι έχετε" in html
    for secret in (
        "Σας στείλαμε το τιμολόγιο",
        "ΕΣΩΤΕΡΙΚΟ",
        "123456789",
        "Τιμολόγιο Ιουλίου",
        "Γιώργος",
        "Παπαδόπουλος",
        VICTIM,
    ):
        assert secret not in html, secret
    assert 'data-kind="out"' not in html
    assert "data-visitor-view" in html
    # and the answer went by email to the address only
    assert any(
        "Σας στείλαμε το τιμολόγιο" in m.get_body(("plain",)).get_content() and m["To"] == VICTIM
        for m in smtp_server.messages
    )


def test_the_visitor_can_add_to_an_unverified_request_but_not_to_one_the_address_confirmed(
    client: Client, smtp_server: Any
) -> None:
    ticket, visitor_link = stranger_posts(client, email="new.person@example.com")
    assert client.post(visitor_link, {"message": "Και κάτι ακόμα.", "website": ""}).status_code == 302
    assert ticket.messages.filter(direction="in", via="web").count() == 2

    # when: the address confirms through the link in its mailbox
    link = mailbox_link(smtp_server, ticket)
    assert b"data-confirm-request" in client.get(link).content  # a GET (a mail filter) confirms nothing
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is None
    Client().post(link, {"confirm": "yes"})
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is not None
    assert TicketEvent.objects.filter(ticket=ticket, kind="verified", new="link").exists()

    # then: the visitor's link no longer takes messages: the request is followed from the mailbox
    before = ticket.messages.count()
    page = client.get(visitor_link).content.decode()
    assert 'id="reply-form"' not in page
    assert client.post(visitor_link, {"message": "Προσπάθεια", "website": ""}).status_code == 302
    assert ticket.messages.count() == before


def test_a_reply_from_the_mailbox_itself_proves_the_address_and_subject_threading_then_applies(
    client: Client, smtp_server: Any
) -> None:
    ticket, _link = stranger_posts(client, email="maria@example.com", subject="Αλλαγή ημερομηνίας")
    ack_id = Message.objects.get(ticket=ticket, is_auto=True).message_id

    # a mail from another address with the same subject never joins it
    other = mail_ingest(mail(sender="someone@example.net", subject="Re: Αλλαγή ημερομηνίας"))
    assert other.ticket_id != ticket.pk

    # the customer answers our acknowledgement from their mailbox: threaded by In-Reply-To, and it proves the address
    answer = mail_ingest(
        mail(sender="Μαρία <maria@example.com>", subject="Re: Αλλαγή ημερομηνίας", in_reply_to=ack_id)
    )
    assert (answer.outcome, answer.ticket_id) == ("reply", ticket.pk)
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is not None
    assert TicketEvent.objects.filter(ticket=ticket, kind="verified", new="mail").exists()

    # from now on a mail with the same subject from that customer joins it
    later = mail_ingest(mail(sender="maria@example.com", subject="Αλλαγή ημερομηνίας"))
    assert (later.outcome, later.ticket_id) == ("reply", ticket.pk)


def test_a_merge_of_two_customers_tickets_never_shows_one_customers_messages_on_the_others_page(
    client: Client, papadopoulos: Customer, make_customer: Any, open_ticket: Any
) -> None:
    from pelatis.helpdesk.services.tickets import ticket_merge

    other = make_customer(first_name="Άννα", last_name="Νικολάου")
    mine = open_ticket(papadopoulos, subject="Κράτηση", body="Το μήνυμα του Γιώργου")
    theirs = open_ticket(other, subject="Κράτηση", body="Το μήνυμα της Άννας, κάρτα 4111")
    ticket_merge(survivor=mine, merged=theirs, confirm_other_customer=True)

    html = client.get(portal_link(mine, mailbox=True)).content.decode()
    assert "Το μήνυμα του Γιώργου" in html
    assert "Άννας" not in html
    assert "4111" not in html
    # the merged ticket's own link shows nothing at all
    assert client.get(portal_link(theirs, mailbox=True)).status_code == 404


def test_links_that_fail_verification_are_limited_per_client(
    client: Client, papadopoulos: Customer, open_ticket: Any, settings: Any
) -> None:
    settings.PELATIS_BAD_LINK_LIMIT = 5
    ticket = open_ticket(papadopoulos)
    good = portal_link(ticket, mailbox=True)
    for n in range(5):
        assert client.get(f"/support/t/made-up-token-{n}/").status_code == 404
    # the next failed try gets the wall's page, not "invalid link"
    blocked = client.get("/support/t/made-up-token-again/")
    assert blocked.status_code == 429
    assert b'data-link="blocked"' in blocked.content
    assert blocked["Retry-After"]
    # a working link still opens from that address (shared office and hotel addresses)
    assert client.get(good).status_code == 200
    # another client is not held back, and a working link is never counted
    for _ in range(10):
        assert client.get(good, REMOTE_ADDR="192.0.2.9").status_code == 200
    # survey and opt-out links share the same wall
    assert client.get("/feedback/optout/made-up/").status_code == 429


def test_links_made_before_there_were_two_kinds_open_as_visitor_links(
    client: Client, papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    ticket = open_ticket(papadopoulos, channel="web", body="Το αρχικό μήνυμα")
    reply_send(ticket=ticket, body_text="Η απάντησή μας", by=agent, send_email=False)
    old = signing.dumps({"t": ticket.pk, "c": papadopoulos.pk}, salt=PORTAL_SALT)
    html = client.get(f"/support/t/{old}/").content.decode()
    assert "data-visitor-view" in html
    assert "Η απάντησή μας" not in html


def test_staff_see_the_request_is_unconfirmed_until_the_address_proves_itself(
    client: Client, client_as: Any, agent: Any, smtp_server: Any
) -> None:
    ticket, _link = stranger_posts(client, email="kostas@example.com")
    page = client_as(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "data-unverified" in page

    Client().post(mailbox_link(smtp_server, ticket), {"confirm": "yes"})

    page = client_as(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "data-unverified" not in page
    assert "The requester confirmed the address with the link we emailed" in page
