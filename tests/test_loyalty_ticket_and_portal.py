"""Loyalty beside a ticket and on the customer's request page: agents give a service-recovery credit on a
complaint (it shows on the ticket and on the customer's timeline); readers see it but cannot give one; the
request page shows the customer's balance and tier and nothing else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from pelatis.channels.web import portal_url
from pelatis.customers.models import Customer, Interaction
from pelatis.helpdesk.models import Ticket
from pelatis.loyalty.models import LedgerEntry, Tier
from pelatis.loyalty.services.ledger import points_adjust
from pelatis.loyalty.services.tiers import tiers_evaluate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def complaint(open_ticket: Any, papadopoulos: Customer) -> Ticket:
    ticket: Ticket = open_ticket(
        papadopoulos, subject="Κρύο νερό στο δωμάτιο", body="Δύο μέρες χωρίς ζεστό νερό.", type="complaint"
    )
    return ticket


def _page(client: Any, ticket: Ticket) -> str:
    response = client.get(reverse("helpdesk:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def test_an_agent_credits_a_complaint_and_it_shows_on_the_ticket_and_timeline(
    client_as: Any, agent: Any, complaint: Ticket, papadopoulos: Customer
) -> None:
    client = client_as(agent)
    assert "data-credit-form" in _page(client, complaint)
    response = client.post(
        reverse("loyalty:credit", args=[complaint.pk]),
        {"points": "150", "reason": "Συγγνώμη για το ζεστό νερό"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "data-done" in response.content.decode()
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.points, entry.ticket_id, entry.by) == ("credit", 150, complaint.pk, agent)
    page = _page(client, complaint)
    card = page[page.index('id="loyalty-credit"') :]
    assert "Συγγνώμη για το ζεστό νερό" in card
    assert "+150" in card
    timeline = Interaction.objects.filter(customer=papadopoulos, source_type="helpdesk.ticket")
    assert any("Συγγνώμη για το ζεστό νερό" in i.summary for i in timeline)


def test_a_credit_without_reason_or_points_names_the_field(
    client_as: Any, agent: Any, complaint: Ticket
) -> None:
    url = reverse("loyalty:credit", args=[complaint.pk])
    no_reason = client_as(agent).post(url, {"points": "10", "reason": " "}, **HTMX)
    assert no_reason.status_code == 422
    assert 'data-error-for="reason"' in no_reason.content.decode()
    no_points = client_as(agent).post(url, {"points": "", "reason": "Συγγνώμη"}, **HTMX)
    assert no_points.status_code == 422
    assert 'data-error-for="points"' in no_points.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_reader_sees_credits_but_cannot_give_one(
    client_as: Any, agent: Any, reader: Any, complaint: Ticket
) -> None:
    client_as(agent).post(
        reverse("loyalty:credit", args=[complaint.pk]), {"points": "20", "reason": "Συγγνώμη"}
    )
    client = client_as(reader)
    page = _page(client, complaint)
    assert "data-credits" in page
    assert "data-credit-form" not in page
    response = client.post(reverse("loyalty:credit", args=[complaint.pk]), {"points": "20", "reason": "Χ"})
    assert response.status_code == 403
    assert LedgerEntry.objects.count() == 1


def test_only_complaints_take_credits_and_unknown_tickets_are_404(
    client_as: Any, agent: Any, open_ticket: Any, papadopoulos: Customer
) -> None:
    question = open_ticket(papadopoulos)
    client = client_as(agent)
    assert "data-loyalty-credit" not in _page(client, question)
    assert (
        client.post(reverse("loyalty:credit", args=[question.pk]), {"points": "5", "reason": "x"}).status_code
        == 404
    )
    missing = client.post(reverse("loyalty:credit", args=[question.pk + 999]), {"points": "5", "reason": "x"})
    assert missing.status_code == 404
    assert not LedgerEntry.objects.exists()


def test_the_request_page_shows_balance_and_tier_only(
    client: Any, complaint: Ticket, papadopoulos: Customer
) -> None:
    points_adjust(customer=papadopoulos, points=340, reason="Εσωτερική σημείωση: παλιά κάρτα", by=None)
    Tier.objects.create(name="Χρυσό", name_en="Gold", threshold=Decimal("0"), perks="Μυστικό προνόμιο")
    tiers_evaluate(customer_ids=[papadopoulos.pk])
    response = client.get(urlsplit(portal_url(complaint)).path, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("data-loyalty-portal")
    card = page[start : page.index("</section>", start)]
    assert 'data-balance="340"' in card
    assert "Χρυσό" in card
    assert "παλιά κάρτα" not in page  # no ledger reasons
    assert "Μυστικό προνόμιο" not in page  # no benefits list either


def test_the_request_page_shows_nothing_without_points(client: Any, complaint: Ticket) -> None:
    page = client.get(urlsplit(portal_url(complaint)).path).content.decode()
    assert "data-loyalty-portal" not in page
