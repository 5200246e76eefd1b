"""From the ticket page: a reply to an unassigned ticket takes it and is signed with the agent's name and
title (never the login name); the agent edits their signature on "My signature"; a message is split into
its own ticket, orders are linked and the priority changed without the API. The admin names every help
desk model in Greek and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import AgentProfile, CannedReply, Message, Ticket, TicketEvent
from pelatis.helpdesk.services.messages import InboundMail, message_receive, reply_send
from pelatis.helpdesk.services.replies import canned_render, signature_of
from pelatis.helpdesk.services.tickets import ticket_assign
from pelatis.helpdesk.tests.pages import url


@pytest.fixture
def eleni(agent: Any) -> Any:
    type(agent).objects.filter(pk=agent.pk).update(first_name="Ελένη", last_name="Κωστοπούλου")
    AgentProfile.objects.create(user=agent, title="Υπεύθυνη κρατήσεων")
    return type(agent).objects.get(pk=agent.pk)


def test_reply_to_unassigned_ticket_assigns_it_and_signs_with_name_and_title(
    client_as: Any, eleni: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    response = client_as(eleni).post(
        url("reply", ticket.pk), {"body": "Καλησπέρα σας,\nναι, έχουμε.", "status": "pending"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id == eleni.pk
    event = TicketEvent.objects.get(ticket=ticket, kind="assigned")
    assert (event.new, event.by_id) == (str(eleni.pk), eleni.pk)
    reply = Message.objects.get(ticket=ticket, direction="out")
    assert reply.body_text == "Καλησπέρα σας,\nναι, έχουμε.\n\nΕλένη Κωστοπούλου\nΥπεύθυνη κρατήσεων"
    assert "agent" not in reply.body_text  # the login name


def test_reply_to_someone_elses_ticket_leaves_the_assignee(
    eleni: Any, manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    ticket_assign(ticket=ticket, agent=manager)
    reply_send(ticket=ticket, body_text="Απάντηση", by=eleni, send_email=False)
    ticket.refresh_from_db()
    assert ticket.assignee_id == manager.pk
    assert TicketEvent.objects.filter(ticket=ticket, kind="assigned").count() == 1


def test_agent_without_a_name_signs_nothing_never_the_login(
    agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    message = reply_send(ticket=ticket, body_text="Ευχαριστούμε.", by=agent, send_email=False)
    assert message.body_text == "Ευχαριστούμε."
    assert signature_of(agent) == ""


def test_own_signature_replaces_name_and_title_and_canned_agent_is_not_signed_twice(
    eleni: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    AgentProfile.objects.filter(user=eleni).update(signature="Ελένη Κ.\nΞενοδοχείο Αριάδνη\nτηλ. 2810 123456")
    ticket = open_ticket(papadopoulos)
    canned = canned_render(
        reply=CannedReply.objects.get(name="Διαθεσιμότητα", language="el"), ticket=ticket, agent=eleni
    )
    assert canned.endswith("Με εκτίμηση,\nΕλένη Κ.\nΞενοδοχείο Αριάδνη\nτηλ. 2810 123456")
    message = reply_send(ticket=ticket, body_text=canned, by=eleni, send_email=False)
    assert message.body_text.count("Ξενοδοχείο Αριάδνη") == 1


def test_name_typed_by_hand_gets_the_title_under_it(
    eleni: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    message = reply_send(
        ticket=ticket, body_text="Ναι.\n\nΜε εκτίμηση,\nΕλένη Κωστοπούλου", by=eleni, send_email=False
    )
    assert message.body_text == "Ναι.\n\nΜε εκτίμηση,\nΕλένη Κωστοπούλου\nΥπεύθυνη κρατήσεων"


def test_my_signature_page_saves_name_title_and_signature(client_as: Any, agent: Any) -> None:
    c = client_as(agent)
    page = c.get(url("profile"))
    assert page.status_code == 200
    assert "No signature yet" in page.content.decode()
    refused = c.post(
        url("profile"), {"first_name": "", "last_name": "Κωστοπούλου", "title": "", "signature": ""}
    )
    assert refused.status_code == 422
    assert not AgentProfile.objects.filter(user=agent).exists()
    saved = c.post(
        url("profile"),
        {"first_name": "Ελένη", "last_name": "Κωστοπούλου", "title": "Υποδοχή", "signature": ""},
    )
    assert saved.status_code == 302
    agent.refresh_from_db()
    assert agent.get_full_name() == "Ελένη Κωστοπούλου"
    assert AgentProfile.objects.get(user=agent).title == "Υποδοχή"
    assert "Ελένη Κωστοπούλου\nΥποδοχή" in c.get(url("profile")).content.decode()


def test_admin_edits_an_agents_title_and_signature(client: Client, admin_user_: Any, agent: Any) -> None:
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    client.force_login(admin_user_)
    profile = AgentProfile.objects.create(user=agent)
    page = client.get(reverse("admin:helpdesk_agentprofile_change", args=[profile.pk])).content.decode()
    assert 'name="title"' in page
    assert 'name="signature"' in page


def test_split_a_message_from_the_ticket_page(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Κράτηση", body="Θέλω δωμάτιο για 2.")
    second = message_receive(ticket=ticket, mail=InboundMail(body_text="Και κάτι άλλο: έχετε πάρκινγκ;"))
    c = client_as(agent)
    page = c.get(url("ticket", ticket.pk)).content.decode()
    assert f'data-split="{second.pk}"' in page
    response = c.post(url("split", ticket.pk), {"message": second.pk})
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response["Location"] == url("ticket", new.pk)
    assert list(new.messages.values_list("pk", flat=True)) == [second.pk]
    assert "split from" in c.get(response["Location"]).content.decode()
    # the only message left cannot be split off, and nothing moves
    only = ticket.messages.get()
    refused = c.post(url("split", ticket.pk), {"message": only.pk}, follow=True)
    assert "only message" in refused.content.decode()
    assert ticket.messages.count() == 1


def test_a_message_of_another_ticket_is_not_split(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    other = open_ticket(papadopoulos)
    foreign = message_receive(ticket=other, mail=InboundMail(body_text="Δεύτερο"))
    client_as(agent).post(url("split", ticket.pk), {"message": foreign.pk})
    assert Ticket.objects.count() == 2
    assert Message.objects.get(pk=foreign.pk).ticket_id == other.pk


def test_link_orders_from_the_ticket_page(
    client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any, make_order: Any, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    first, second = make_order(papadopoulos, "ORD-1001"), make_order(papadopoulos, "ORD-1002")
    stranger = make_order(make_customer(first_name="Άλλος", last_name="Πελάτης"), "ORD-9999")
    c = client_as(agent)
    page = c.get(url("ticket", ticket.pk)).content.decode()
    assert "ORD-1001" in page
    assert "ORD-9999" not in page
    assert c.post(url("orders", ticket.pk), {"orders": [first.pk, second.pk]}).status_code == 302
    assert set(ticket.orders.values_list("reference", flat=True)) == {"ORD-1001", "ORD-1002"}
    assert TicketEvent.objects.filter(ticket=ticket, kind="orders").exists()
    refused = c.post(url("orders", ticket.pk), {"orders": [stranger.pk]})
    assert refused.status_code == 422
    assert "ORD-9999" not in set(ticket.orders.values_list("reference", flat=True))
    page = c.get(url("ticket", ticket.pk)).content.decode()
    assert f'data-order="{first.pk}"' in page


def test_change_priority_from_the_ticket_page(
    client_as: Any, agent: Any, reader: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    assert client_as(reader).post(url("priority", ticket.pk), {"priority": "urgent"}).status_code == 403
    c = client_as(agent)
    assert "data-priority-form" in c.get(url("ticket", ticket.pk)).content.decode()
    assert c.post(url("priority", ticket.pk), {"priority": "urgent"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert TicketEvent.objects.filter(ticket=ticket, kind="priority", new="urgent").exists()
    assert c.post(url("priority", ticket.pk), {"priority": "whenever"}).status_code == 422


@pytest.mark.parametrize(
    ("language", "singular", "plural", "header"),
    [
        ("en", "canned reply", "canned replies", "Pelatis administration"),
        ("el", "έτοιμη απάντηση", "έτοιμες απαντήσεις", "Pelatis — Διαχείριση"),
    ],
)
def test_admin_names_in_greek_and_english(language: str, singular: str, plural: str, header: str) -> None:
    """Greek needs the merged catalogue (pelatis/locale): these strings are new."""
    with translation.override(language):
        assert str(CannedReply._meta.verbose_name) == singular
        assert str(CannedReply._meta.verbose_name_plural) == plural
        assert str(admin.site.site_header) == header
    # every help desk model in the admin names itself and its plural (no "Canned replys")
    for model in admin.site._registry:
        if model._meta.app_label == "helpdesk":
            assert {"verbose_name", "verbose_name_plural"} <= set(model._meta.original_attrs), model
