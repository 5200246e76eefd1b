"""The public support form and the signed ticket portal: what a customer (or a bot) can and cannot do."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from pelatis.channels.portal import PortalLinkError, portal_link, portal_ticket, portal_token
from pelatis.customers.models import ContactPoint, Customer, Interaction
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import (
    InboundMail,
    message_receive,
    note_add,
    reply_send,
    ticket_set_status,
)

pytestmark = pytest.mark.django_db
FORM = "/support/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()  # the rate limit counts in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def greek(settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"  # the business's language, as shipped (the test settings speak English)


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Ελένη Κωνσταντίνου",
        "email": "eleni.k@example.gr",
        "phone": "697 765 4321",
        "type": "complaint",
        "subject": "Διπλή χρέωση για το πρωινό",
        "message": "Καλησπέρα σας,\nχρεωθήκαμε δύο φορές για το πρωινό.",
        "consent": "on",
        "website": "",
        "time_zone": "Europe/Athens",
    }
    data.update(changes)
    return data


def token_of(location: str) -> str:
    match = re.fullmatch(r"/support/t/([^/]+)/(#m\d+)?", location)
    assert match, location
    return match.group(1)


def counts() -> tuple[int, int, int, int]:
    return (
        Customer.objects.count(),
        Ticket.objects.count(),
        Message.objects.count(),
        Interaction.objects.count(),
    )


# ---------------------------------------------------------------- the form


def test_form_opens_a_ticket_for_a_new_customer_and_sends_the_acknowledgement(
    client: Client, greek: None, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # when: a Greek customer sends the form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, form_data())

    # then: a customer, a web ticket in Greek, the first message with the Greek text intact
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert portal_ticket(token_of(response["Location"])) == ticket
    customer = ticket.customer
    assert (customer.first_name, customer.last_name, customer.language) == ("Ελένη", "Κωνσταντίνου", "el")
    assert set(ContactPoint.objects.filter(customer=customer).values_list("kind", "value")) == {
        ("email", "eleni.k@example.gr"),
        ("phone", "+306977654321"),
    }
    assert (ticket.channel, ticket.type, ticket.language, ticket.subject) == (
        "web",
        "complaint",
        "el",
        "Διπλή χρέωση για το πρωινό",
    )
    first = ticket.messages.get(direction="in")
    assert first.visible_text == "Καλησπέρα σας,\nχρεωθήκαμε δύο φορές για το πρωινό."
    assert first.from_email == "eleni.k@example.gr"
    assert (
        customer.interactions.filter(channel="web", summary__contains=f"#{ticket.pk}").count() == 2
    )  # request, consent

    # and: the acknowledgement arrived over SMTP, in Greek, with the ticket's reference
    [ack] = smtp_server.messages
    assert ack["To"] == "eleni.k@example.gr"
    assert f"[#{ticket.pk}]" in ack["Subject"]
    text = ack.get_body(("plain",)).get_content()
    assert "Διπλή χρέωση για το πρωινό" in text
    assert "Σας ευχαριστούμε" in text
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None

    # and: the page it lands on shows back what was typed, and where the answers go
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="el">' in html
    assert "data-visitor-view" in html
    assert "Διπλή χρέωση για το πρωινό" in html
    assert "χρεωθήκαμε δύο φορές" in html
    assert "e•••@example.gr" in html

    # and: the acknowledgement carries the request's own link, which asks to confirm before it shows anything
    link = re.search(r"http://testserver(/support/t/[^/\s]+/)", text) or re.search(
        r"https?://[^/\s]+(/support/t/[^/\s]+/)", text
    )
    assert link, text
    confirm = client.get(link.group(1))
    assert b"data-confirm-request" in confirm.content
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is None  # a mail filter fetching the link confirms nothing
    confirmed = client.post(link.group(1), {"confirm": "yes"})
    assert confirmed.status_code == 302
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is not None
    whole = client.get(link.group(1)).content.decode()
    assert 'data-kind="ack"' in whole
    assert "data-visitor-view" not in whole


def test_a_known_email_reuses_the_customer_without_touching_the_profile(
    client: Client, papadopoulos: Customer
) -> None:
    before = Customer.objects.count()
    response = client.post(
        FORM,
        form_data(
            name="Someone Else",
            email="G.Papadopoulos@Example.gr",
            phone="+30 210 123 4567",
            type="question",
            subject="Δωμάτιο για τον Αύγουστο",
        ),
    )
    assert response.status_code == 302
    assert Customer.objects.count() == before
    ticket = Ticket.objects.get()
    assert ticket.customer_id == papadopoulos.pk
    papadopoulos.refresh_from_db()
    assert (papadopoulos.first_name, papadopoulos.last_name) == (
        "Γιώργος",
        "Παπαδόπουλος",
    )  # not "Someone Else"
    assert not ContactPoint.objects.filter(customer=papadopoulos, value="+302101234567").exists()
    # the new number is on the timeline for an agent to check and add
    assert papadopoulos.interactions.filter(body__contains="+302101234567").exists()


def test_field_errors_come_back_next_to_the_fields_with_422_and_nothing_is_written(
    client: Client, greek: None
) -> None:
    before = counts()
    response = client.post(
        FORM, form_data(name="", email="not-an-email", phone="12345", type="internal", consent="")
    )
    assert response.status_code == 422
    html = response.content.decode()
    for field in ("name", "email", "phone", "type", "consent"):
        assert f'data-error-for="{field}"' in html, field
    assert 'data-error-for="subject"' not in html
    assert "Διπλή χρέωση για το πρωινό" in html  # what was typed is kept
    assert 'aria-invalid="true"' in html
    assert counts() == before
    assert mail.outbox == []


def test_a_bot_that_fills_the_honeypot_gets_the_thank_you_page_and_nothing_is_stored(client: Client) -> None:
    before = counts()
    response = client.post(FORM, form_data(website="https://cheap-pills.example.com"))
    assert response.status_code == 200
    assert b"data-thanks" in response.content
    assert counts() == before
    assert mail.outbox == []


def test_more_than_five_posts_in_ten_minutes_from_one_address_get_429(client: Client) -> None:
    for _ in range(5):
        assert client.post(FORM, {}).status_code == 422
    before = counts()
    response = client.post(FORM, form_data())
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert b'data-alert="rate-limit"' in response.content
    assert "Please try again in 10 minutes" in response.content.decode()
    assert "Διπλή χρέωση για το πρωινό" in response.content.decode()  # the text is not lost
    assert counts() == before
    # another address is not held back by this one
    assert client.post(FORM, form_data(), REMOTE_ADDR="192.0.2.7").status_code == 302


def test_csrf_protection_stays_on(papadopoulos: Customer) -> None:
    before = counts()
    response = Client(enforce_csrf_checks=True).post(FORM, form_data())
    assert response.status_code == 403
    assert counts() == before


def test_the_form_speaks_greek_by_default_and_english_after_the_switch(client: Client, greek: None) -> None:
    page = client.get(FORM)
    assert page.status_code == 200
    assert '<html lang="el">' in page.content.decode()
    assert page["X-Frame-Options"] == "DENY"

    # when: the visitor presses EN
    switched = client.post("/i18n/setlang/", {"language": "en", "next": FORM})
    assert switched.status_code == 302
    assert switched["Location"] == FORM
    page = client.get(FORM)
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "How can we help?" in html

    # then: the request and the new customer remember English
    client.post(
        FORM,
        form_data(
            email="tourist@example.com",
            name="Anna Smith",
            subject="Late check-in",
            message="We arrive at 23:00.",
            phone="",
        ),
    )
    ticket = Ticket.objects.get()
    assert ticket.language == "en"
    assert ticket.customer.language == "en"


# ---------------------------------------------------------------- the portal


def test_portal_shows_the_conversation_newest_last_and_never_internal_notes(
    client: Client, papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Κράτηση Αυγούστου", body="Έχετε δίκλινο 10-15 Αυγούστου;")
    note_add(ticket=ticket, body_text="ΕΣΩΤΕΡΙΚΟ: να του κάνουμε έκπτωση 10%", by=agent)
    reply_send(ticket=ticket, body_text="Ναι, έχουμε διαθέσιμο δίκλινο.", by=agent, send_email=False)
    message_receive(ticket=ticket, mail=InboundMail(body_text="Τέλεια, το κλείνω!"))

    response = client.get(portal_link(ticket, mailbox=True))

    assert response.status_code == 200
    html = response.content.decode()
    assert "ΕΣΩΤΕΡΙΚΟ" not in html
    assert "έκπτωση" not in html
    first, answer, last = (
        html.index(t) for t in ("Έχετε δίκλινο", "Ναι, έχουμε διαθέσιμο", "Τέλεια, το κλείνω")
    )
    assert first < answer < last
    assert html.count('data-kind="in"') == 2
    assert html.count('data-kind="out"') == 1
    assert f'data-status="{Ticket.Status.OPEN}"' in html
    assert "Το εξετάζουμε" in html  # the ticket is Greek, so is its page
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_portal_tells_when_to_expect_the_first_answer_in_the_customers_clock(
    client: Client, papadopoulos: Customer, open_ticket: Any, greek: None
) -> None:
    Customer.objects.filter(pk=papadopoulos.pk).update(time_zone="America/New_York")
    ticket = open_ticket(papadopoulos, language="el")
    assert ticket.first_response_due is not None
    import zoneinfo

    from django.utils import formats, translation

    with translation.override("el"):
        local = ticket.first_response_due.astimezone(zoneinfo.ZoneInfo("America/New_York"))
        expected = formats.date_format(local, "l j E, H:i")
    html = client.get(portal_link(ticket, mailbox=True)).content.decode()
    assert expected in html
    assert "America/New_York" in html


def test_customer_text_is_shown_as_plain_text_never_as_html(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(
        papadopoulos,
        subject="<img src=x onerror=alert(1)>",
        body="<script>alert('x')</script>\nδεύτερη γραμμή",
    )
    html = client.get(portal_link(ticket, mailbox=True)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>δεύτερη γραμμή" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_tampered_token_is_a_friendly_404(client: Client, papadopoulos: Customer, open_ticket: Any) -> None:
    ticket = open_ticket(papadopoulos)
    token = portal_token(ticket)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "nonsense", signing.dumps({"t": ticket.pk, "c": papadopoulos.pk})):  # last: no salt
        response = client.get(f"/support/t/{bad}/")
        assert response.status_code == 404, bad
        assert b'data-link="invalid"' in response.content
        assert b'href="/support/"' in response.content
    assert client.post(f"/support/t/{tampered}/", {"message": "hi"}).status_code == 404
    assert ticket.messages.count() == 1


def test_an_expired_link_says_so_and_a_moved_ticket_shows_nothing(
    client: Client,
    papadopoulos: Customer,
    make_customer: Any,
    open_ticket: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticket = open_ticket(papadopoulos)
    real = time.time()
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real - 91 * 24 * 3600)  # the clock signing reads
        old = portal_token(ticket)
    response = client.get(f"/support/t/{old}/")
    assert response.status_code == 404
    assert b'data-link="expired"' in response.content

    link = portal_link(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(
        customer=make_customer(first_name="Άλλος", last_name="Πελάτης")
    )
    assert client.get(link).status_code == 404
    with pytest.raises(PortalLinkError):
        portal_ticket(token_of(link))


def test_a_reply_on_the_portal_reopens_a_resolved_ticket(
    client: Client, papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    ticket = open_ticket(papadopoulos, channel="web")
    reply_send(ticket=ticket, body_text="Σας επιστρέψαμε τα χρήματα.", by=agent, send_email=False)
    ticket_set_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=agent)
    page = client.get(portal_link(ticket)).content.decode()
    assert "Αν μας γράψετε ξανά, το αίτημά σας ανοίγει ξανά." in page

    response = client.post(portal_link(ticket), {"message": "Δεν τα έχω λάβει ακόμα.", "website": ""})

    assert response.status_code == 302
    location = response["Location"]
    assert portal_ticket(token_of(location.split("#")[0] if "#" in location else location)) == ticket
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1
    reply = ticket.messages.filter(direction="in").last()
    assert reply.visible_text == "Δεν τα έχω λάβει ακόμα."
    assert location.endswith(f"#m{reply.pk}")
    assert "Δεν τα έχω λάβει ακόμα." in client.get(location.split("#")[0]).content.decode()


def test_an_empty_portal_reply_is_422_writes_nothing_and_keeps_the_link_out_of_the_log(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    link = portal_link(ticket, mailbox=True)
    records: list[logging.LogRecord] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Recorder()
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = client.post(link, {"message": "   "})
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert response.status_code == 422
    assert b'data-error-for="message"' in response.content
    assert ticket.messages.count() == 1
    assert not [
        r for r in records if token_of(link) in r.getMessage()
    ]  # the path is a key to the conversation


def test_portal_replies_share_the_rate_limit(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    for _ in range(5):
        client.post(FORM, {})
    response = client.post(portal_link(ticket, mailbox=True), {"message": "Ένα ακόμα μήνυμα"})
    assert response.status_code == 429
    assert "Ένα ακόμα μήνυμα" in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_link_from_an_email_opens_in_the_tickets_language(
    client: Client, papadopoulos: Customer, open_ticket: Any, greek: None
) -> None:
    ticket = open_ticket(
        papadopoulos, subject="Room for August", body="Do you have a double room?", language="en"
    )
    html = client.get(portal_link(ticket)).content.decode()
    assert '<html lang="en">' in html
    assert "Conversation" in html


def test_a_merged_ticket_link_shows_the_surviving_ticket(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    from pelatis.helpdesk.services.tickets import ticket_merge

    first = open_ticket(papadopoulos, subject="Πρώτο", body="Πρώτο μήνυμα")
    second = open_ticket(papadopoulos, subject="Δεύτερο", body="Δεύτερο μήνυμα")
    link = portal_link(second, mailbox=True)
    ticket_merge(survivor=first, merged=second)
    html = client.get(link).content.decode()
    assert "Πρώτο μήνυμα" in html
    assert "Δεύτερο μήνυμα" in html
    assert f"#{first.pk}" in html


def test_portal_link_is_a_path_under_support(papadopoulos: Customer, open_ticket: Any) -> None:
    ticket = open_ticket(papadopoulos)
    link = portal_link(ticket)
    assert link.startswith("/support/t/")
    assert link.endswith("/")
    assert portal_ticket(token_of(link)) == ticket
