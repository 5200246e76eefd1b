"""The customer's page as the other apps fill it: tickets and emails started from it, the tickets card, and
links from every timeline entry to its source (a ticket, an order, a review, an NPS answer)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open

pytestmark = pytest.mark.django_db


def _detail(client: Any, customer: Customer) -> str:
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def test_a_phone_ticket_started_on_the_page_shows_in_its_tickets_card(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    client = client_as(agent)
    response = client.post(
        reverse("customers:ticket_new", args=[papadopoulos.pk]),
        {
            "channel": "phone",
            "subject": "Αλλαγή ημερομηνιών",
            "type": "question",
            "priority": "high",
            "body": "Θέλει να μεταφέρει την κράτηση στις 20 Αυγούστου.",
        },
    )
    ticket = Ticket.objects.get(customer=papadopoulos)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/customers/{papadopoulos.pk}/#tickets")
    assert (ticket.channel, ticket.priority, ticket.subject) == ("phone", "high", "Αλλαγή ημερομηνιών")
    assert ticket.messages.get().direction == Message.Direction.INBOUND  # what the customer asked
    page = _detail(client, papadopoulos)
    card = page[page.index('id="tickets"') :]
    assert f'href="/tickets/{ticket.pk}/"' in card
    assert "Αλλαγή ημερομηνιών" in card
    assert f'data-status="{ticket.status}"' in card
    assert mail.outbox == []  # a phone ticket emails nobody


def test_the_tickets_card_shows_the_status_in_the_readers_language(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    ticket, _m = ticket_open(
        customer=papadopoulos, subject="Τιμολόγιο", mail=InboundMail(body_text="Χρειάζομαι τιμολόγιο")
    )
    with translation.override("en"):
        page = _detail(client_as(agent), papadopoulos)
    assert re.search(rf'data-status="{ticket.status}">\s*{Ticket.Status(ticket.status).label}', page)


def test_an_email_from_the_page_is_a_ticket_whose_first_message_goes_to_the_customer(
    client_as: Any, agent: Any, papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(agent).post(
            reverse("customers:ticket_new", args=[papadopoulos.pk]),
            {
                "channel": "email",
                "subject": "Η κράτησή σας στις 20/8",
                "type": "question",
                "priority": "normal",
                "body": "Καλησπέρα σας, σας επιβεβαιώνουμε την αλλαγή.",
            },
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer=papadopoulos)
    message = ticket.messages.get()
    assert (ticket.channel, ticket.status) == ("email", Ticket.Status.PENDING)  # waiting on the customer
    assert message.direction == Message.Direction.OUTBOUND
    assert message.author == agent
    assert message.delivery == Message.Delivery.SENT
    [sent] = mail.outbox
    assert sent.to == ["g.papadopoulos@example.gr"]
    assert sent.subject.startswith("Η κράτησή σας στις 20/8")  # a first email, not "Re:"
    assert "σας επιβεβαιώνουμε την αλλαγή" in sent.body
    assert sent.extra_headers["Message-ID"] == message.message_id  # the customer's answer threads back


def test_an_email_to_a_customer_without_an_address_is_refused_and_nothing_is_written(
    client_as: Any, agent: Any, make_customer: Any
) -> None:
    nobody = make_customer(first_name="Άννα", last_name="Λάμπρου", phones=["6944000111"])
    response = client_as(agent).post(
        reverse("customers:ticket_new", args=[nobody.pk]),
        {"channel": "email", "subject": "Γεια σας", "type": "question", "body": "Κείμενο"},
    )
    assert response.status_code == 422
    assert "Άννα Λάμπρου" in response.content.decode()
    assert not Ticket.objects.exists()
    assert mail.outbox == []


def test_a_read_only_user_cannot_start_a_ticket(client_as: Any, reader: Any, papadopoulos: Customer) -> None:
    client = client_as(reader)
    assert 'id="start-ticket"' not in _detail(client, papadopoulos)
    response = client.post(
        reverse("customers:ticket_new", args=[papadopoulos.pk]),
        {"channel": "phone", "subject": "x", "type": "question", "body": "y"},
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_every_sourced_timeline_entry_links_to_its_source(
    client_as: Any, agent: Any, papadopoulos: Customer, make_order: Any
) -> None:
    ticket, _m = ticket_open(
        customer=papadopoulos, subject="Ζεστό νερό", mail=InboundMail(body_text="Δεν έχει")
    )
    order = make_order(papadopoulos, "ORD-9")
    page = _detail(client_as(agent), papadopoulos)
    timeline = page[page.index('id="timeline"') :]
    assert f'<a href="/tickets/{ticket.pk}/" data-source="helpdesk.ticket">' in timeline
    assert (
        f'<a href="/customers/{papadopoulos.pk}/orders/{order.pk}/" data-source="customers.order">'
        in timeline
    )
    assert 'data-source="customers.customer"' in timeline  # "Customer created" leads to the profile


def test_review_and_nps_entries_link_to_their_pages(
    client_as: Any, manager: Any, papadopoulos: Customer
) -> None:
    from pelatis.feedback.models import NpsResponse
    from pelatis.feedback.services.nps import nps_answer, nps_campaign_create
    from pelatis.feedback.services.reviews import review_ingest, review_input_clean

    campaign = nps_campaign_create(name="Τριμηνιαίο")
    response = NpsResponse.objects.create(
        campaign=campaign,
        customer=papadopoulos,
        language="el",
        sent_at=timezone.now(),
        ask_again_after=timezone.now(),
    )
    nps_answer(response=response, score=9, comment="Πολύ καλά")
    review, _new = review_ingest(
        data=review_input_clean(
            {
                "platform": "google",
                "external_id": "r-1",
                "rating": 5,
                "text": "Υπέροχα",
                "language": "el",
                "author": "Γιώργος Παπαδόπουλος",
                "author_email": "g.papadopoulos@example.gr",
                "published_at": timezone.now().isoformat(),
            }
        )
    )
    page = _detail(client_as(manager), papadopoulos)
    assert f'href="/feedback/nps/{campaign.pk}/" data-source="feedback.npsresponse"' in page
    if review.customer_id == papadopoulos.pk:
        assert f'href="/feedback/reviews/{review.pk}/" data-source="feedback.review"' in page
