from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from pelatis.customers.models import Customer, Interaction
from pelatis.helpdesk.models import Ticket


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_log_a_call_on_the_timeline(papadopoulos: Customer, agent: Any) -> None:
    response = _client(agent).post(
        reverse("calls:log", args=[papadopoulos.pk]),
        {
            "channel": "phone",
            "direction": "in",
            "summary": "Ρώτησε για πάρκινγκ",
            "details": "Θα έρθει με αυτοκίνητο",
            "type": "question",
            "priority": "normal",
        },
    )
    assert response.status_code == 302
    entry = Interaction.objects.get(customer=papadopoulos, channel="phone")
    assert entry.summary == "Ρώτησε για πάρκινγκ"
    assert entry.actor == agent
    assert Ticket.objects.count() == 0


def test_log_a_visit_that_needs_follow_up_opens_a_ticket(papadopoulos: Customer, agent: Any) -> None:
    _client(agent).post(
        reverse("calls:log", args=[papadopoulos.pk]),
        {
            "channel": "in_person",
            "direction": "in",
            "summary": "Παράπονο για το πρωινό",
            "details": "Κρύος καφές",
            "open_ticket": "on",
            "type": "complaint",
            "priority": "high",
        },
    )
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.type, ticket.priority, ticket.stage) == (
        "in_person",
        "complaint",
        "high",
        "received",
    )
    assert ticket.messages.get().body_text == "Κρύος καφές"


def test_bad_input_and_roles(papadopoulos: Customer, reader: Any) -> None:
    assert (
        _client(reader).post(reverse("calls:log", args=[papadopoulos.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert not Interaction.objects.filter(channel="phone").exists()


def test_the_form_is_on_the_customer_page(papadopoulos: Customer, agent: Any) -> None:
    html = _client(agent).get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert reverse("calls:log", args=[papadopoulos.pk]) in html
