"""Merging tickets of two different customers is refused unless the user confirms it explicitly
(service, REST API and UI), and the moved messages remember the ticket they were written on."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.merge import ticket_merge
from pelatis.helpdesk.services.messages import InboundMail, message_receive


@pytest.fixture
def stranger(make_customer: Any) -> Customer:
    customer: Customer = make_customer(
        first_name="Μαρία", last_name="Ξένη", emails=["maria.xeni@example.com"]
    )
    return customer


@pytest.fixture
def two_customers_tickets(
    papadopoulos: Customer, stranger: Customer, open_ticket: Any
) -> tuple[Ticket, Ticket]:
    survivor = open_ticket(papadopoulos, subject="Κράτηση Αυγούστου", body="Θέλω δωμάτιο για δύο")
    merged = open_ticket(stranger, subject="Κράτηση Αυγούστου", body="Η δική μου ερώτηση, με το τηλέφωνό μου")
    return survivor, merged


# ---------------------------------------------------------------- service


def test_service_refuses_other_customers_ticket_without_confirmation(
    two_customers_tickets: Any, agent: Any
) -> None:
    survivor, merged = two_customers_tickets
    with pytest.raises(ValidationError) as caught:
        ticket_merge(survivor=survivor, merged=merged, by=agent)
    message = caught.value.message_dict["confirm_other_customer"][0]
    assert "Μαρία Ξένη" in message
    assert "Γιώργος Παπαδόπουλος" in message
    assert f"#{merged.pk}" in message
    assert f"#{survivor.pk}" in message
    merged.refresh_from_db()
    assert merged.merged_into_id is None  # nothing moved
    assert merged.messages.count() == 1
    assert survivor.messages.count() == 1


def test_service_merges_other_customers_ticket_when_confirmed(two_customers_tickets: Any, agent: Any) -> None:
    survivor, merged = two_customers_tickets
    ticket_merge(survivor=survivor, merged=merged, by=agent, confirm_other_customer=True)
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk
    moved = Message.objects.get(body_text__startswith="Η δική μου ερώτηση")
    assert moved.ticket_id == survivor.pk
    assert moved.origin_ticket_id == merged.pk
    own = Message.objects.get(body_text="Θέλω δωμάτιο για δύο")
    assert own.origin_ticket_id is None  # the survivor's own messages have no other origin
    assert survivor.events.filter(kind="merged").get().note  # the history says it was confirmed


def test_same_customer_merges_without_confirmation_and_keeps_first_origin(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    first = open_ticket(papadopoulos, subject="Α")
    second = open_ticket(papadopoulos, subject="Β", body="Δεύτερο")
    third = open_ticket(papadopoulos, subject="Γ", body="Τρίτο")
    ticket_merge(survivor=second, merged=third, by=agent)
    ticket_merge(survivor=first, merged=second, by=agent)
    assert (
        Message.objects.get(body_text="Τρίτο").origin_ticket_id == third.pk
    )  # a chain keeps the first origin
    assert Message.objects.get(body_text="Δεύτερο").origin_ticket_id == second.pk
    assert first.messages.count() == 3


# ---------------------------------------------------------------- REST API


def test_api_refuses_other_customers_merge_unless_confirmed(
    two_customers_tickets: Any, agent: Any, api_as: Any
) -> None:
    survivor, merged = two_customers_tickets
    api = api_as(agent)
    refused = api.post(f"/api/v1/tickets/{survivor.pk}/merge", {"merged_id": merged.pk})
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"][-1] == "confirm_other_customer"
    assert "Μαρία Ξένη" in error["msg"]
    assert Ticket.objects.get(pk=merged.pk).merged_into_id is None
    done = api.post(
        f"/api/v1/tickets/{survivor.pk}/merge", {"merged_id": merged.pk, "confirm_other_customer": True}
    )
    assert done.status_code == 200, done.content
    assert Ticket.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    assert [m["body_text"] for m in api.get(f"/api/v1/tickets/{survivor.pk}").json()["messages"]] == [
        "Θέλω δωμάτιο για δύο",
        "Η δική μου ερώτηση, με το τηλέφωνό μου",
    ]


def test_api_merge_of_a_missing_ticket_names_the_field(
    papadopoulos: Customer, open_ticket: Any, agent: Any, api_as: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    missing = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/merge", {"merged_id": 999_999})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"][-1] == "merged_id"


def test_api_merge_schema_documents_the_confirmation(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    props = schema["components"]["schemas"]["MergeIn"]["properties"]
    assert props["confirm_other_customer"]["type"] == "boolean"
    assert props["confirm_other_customer"]["default"] is False


# ---------------------------------------------------------------- UI


def test_ui_warns_and_requires_the_confirmation_box(
    two_customers_tickets: Any, agent: Any, client_as: Any
) -> None:
    survivor, merged = two_customers_tickets
    c = client_as(agent)
    url = reverse("helpdesk:merge", args=[merged.pk])
    # given: the confirmation page names both customers and has a required box
    page = c.get(url, {"into": survivor.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-merge-other-customer" in html
    assert "Μαρία Ξένη" in html
    assert "Γιώργος Παπαδόπουλος" in html
    assert 'name="confirm_other_customer"' in html
    assert " required" in html
    # when: posted without ticking it
    refused = c.post(url, {"into": survivor.pk})
    # then: refused, with the message next to the box, nothing merged
    assert refused.status_code == 422
    assert 'data-error-for="confirm_other_customer"' in refused.content.decode()
    assert Ticket.objects.get(pk=merged.pk).merged_into_id is None
    # when: ticked
    done = c.post(url, {"into": survivor.pk, "confirm_other_customer": "on"})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=merged.pk).merged_into_id == survivor.pk


def test_ui_same_customer_has_no_confirmation_box(
    papadopoulos: Customer, open_ticket: Any, agent: Any, client_as: Any
) -> None:
    first, second = open_ticket(papadopoulos), open_ticket(papadopoulos, subject="Ξανά")
    html = (
        client_as(agent).get(reverse("helpdesk:merge", args=[second.pk]), {"into": first.pk}).content.decode()
    )
    assert 'name="confirm_other_customer"' not in html
    assert "data-merge-other-customer" not in html


def test_later_reply_of_either_customer_stays_on_the_survivor(two_customers_tickets: Any, agent: Any) -> None:
    survivor, merged = two_customers_tickets
    ticket_merge(survivor=survivor, merged=merged, by=agent, confirm_other_customer=True)
    reply = message_receive(ticket=survivor, mail=InboundMail(body_text="Ευχαριστώ"))
    assert reply.origin_ticket_id is None
