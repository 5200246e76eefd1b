"""The ticket page's history says every change as a sentence in the reader's language, never a raw key."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Team, TicketEvent
from pelatis.helpdesk.services.history import event_record
from pelatis.helpdesk.services.messages import InboundMail
from pelatis.helpdesk.services.routing import ticket_set_team
from pelatis.helpdesk.services.tickets import ticket_assign, ticket_open
from pelatis.helpdesk.views.history import history_items

pytestmark = pytest.mark.django_db
_MAIL = InboundMail(body_text="Καλησπέρα", from_email="g.papadopoulos@example.gr")


def _texts(ticket_id: int) -> list[str]:
    return [item.text for item in history_items(list(TicketEvent.objects.filter(ticket_id=ticket_id)))]


def test_team_priority_tags_split_and_routing_read_as_sentences(papadopoulos: Customer, agent: Any) -> None:
    # given: a ticket that was routed, moved between teams, re-prioritised, tagged and split
    reception = Team.objects.create(name="Ρεσεψιόν")
    sales = Team.objects.create(name="Πωλήσεις")
    ticket, _m = ticket_open(customer=papadopoulos, subject="Κράτηση", mail=_MAIL)
    ticket_assign(ticket=ticket, agent=agent)
    ticket_set_team(ticket=ticket, team_id=reception.pk, by=agent)
    ticket_set_team(ticket=ticket, team_id=sales.pk, by=agent)
    event_record(ticket, "routed", new=str(agent.pk), note="VIP → Πωλήσεις")
    event_record(ticket, "priority", old="normal", new="high", by=agent)
    event_record(ticket, "tags", new="vip, αύγουστος", by=agent)
    event_record(ticket, "split", old=str(ticket.pk), new="9999", by=agent)
    event_record(ticket, "something-new", old="a", new="b", by=agent)
    # when
    texts = _texts(ticket.pk)
    # then
    assert "Team: — → Ρεσεψιόν" in texts
    assert "Team: Ρεσεψιόν → Πωλήσεις" in texts
    assert "Unassigned" in texts  # the agent is not a member of the new team
    assert "Priority: Normal → High" in texts
    assert "Tags: vip, αύγουστος" in texts
    assert "Ticket #9999 was split off from this one" in texts
    assert any(t.startswith("Routed to ") and "agent" in t for t in texts)
    assert "Changed" in texts
    assert not [
        t for t in texts if "something-new" in t or "→ high" in t or t.startswith(("team:", "priority:"))
    ]


def test_history_sentences_are_greek_for_a_greek_reader(papadopoulos: Customer, agent: Any) -> None:
    sales = Team.objects.create(name="Πωλήσεις")
    ticket, _m = ticket_open(customer=papadopoulos, subject="Κράτηση", mail=_MAIL)
    ticket_set_team(ticket=ticket, team_id=sales.pk, by=agent)
    event_record(ticket, "priority", old="normal", new="urgent", by=agent)
    with translation.override("el"):
        texts = _texts(ticket.pk)
    assert "Ομάδα: — → Πωλήσεις" in texts
    assert any(t.startswith("Προτεραιότητα: ") for t in texts)
