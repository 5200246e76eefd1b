"""Replies and notes have a length limit (PELATIS_MESSAGE_MAX_CHARS, 50,000 by default) with a clear error
naming the field, in the services, the staff UI's composer (422) and the REST API (422)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message
from pelatis.helpdesk.services.messages import message_max_chars, note_add, reply_send
from pelatis.helpdesk.tests.pages import HTMX


def test_default_limit_is_fifty_thousand_characters() -> None:
    assert message_max_chars() == 50_000


@pytest.mark.parametrize("kind", ["reply", "note"])
def test_service_refuses_a_message_over_the_limit(
    kind: str, papadopoulos: Customer, open_ticket: Any, agent: Any, settings: Any
) -> None:
    settings.PELATIS_MESSAGE_MAX_CHARS = 1000
    ticket = open_ticket(papadopoulos)
    write = reply_send if kind == "reply" else note_add
    with pytest.raises(ValidationError) as caught:
        write(ticket=ticket, body_text="α" * 1001, by=agent)
    assert caught.value.message_dict == {"body": ["At most 1,000 characters (this text has 1,001)."]}
    assert Message.objects.filter(ticket=ticket).count() == 1  # only the customer's message
    # exactly at the limit is fine
    write(ticket=ticket, body_text="α" * 1000, by=agent)
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_the_limit_speaks_greek(papadopoulos: Customer, open_ticket: Any, agent: Any, settings: Any) -> None:
    settings.PELATIS_MESSAGE_MAX_CHARS = 1000
    ticket = open_ticket(papadopoulos)
    with translation.override("el"), pytest.raises(ValidationError) as caught:
        note_add(ticket=ticket, body_text="β" * 1500, by=agent)
    assert caught.value.message_dict["body"] == ["Έως 1.000 χαρακτήρες (αυτό το κείμενο έχει 1.500)."]


@pytest.mark.parametrize(("view", "tab"), [("reply", "reply"), ("note", "note")])
def test_composer_shows_the_limit_next_to_the_box(
    view: str, tab: str, papadopoulos: Customer, open_ticket: Any, agent: Any, client_as: Any, settings: Any
) -> None:
    settings.PELATIS_MESSAGE_MAX_CHARS = 2000
    ticket = open_ticket(papadopoulos)
    response = client_as(agent).post(
        reverse(f"helpdesk:{view}", args=[ticket.pk]), {"body": "x" * 2001, "status": "pending"}, headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-error-for="body">At most 2,000 characters (this text has 2,001).</p>' in html
    assert f'id="tab-{tab}" class="tab-radio" checked' in html
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize("kind", ["reply", "note"])
def test_api_refuses_a_message_over_the_limit(
    kind: str, papadopoulos: Customer, open_ticket: Any, agent: Any, api_as: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    response = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages", {"kind": kind, "body": "x" * 50_001}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "body"
    assert error["msg"] == "At most 50,000 characters (this text has 50,001)."
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_api_limit_set_lower_than_the_schema_is_applied_by_the_service(
    papadopoulos: Customer, open_ticket: Any, agent: Any, api_as: Any, settings: Any
) -> None:
    settings.PELATIS_MESSAGE_MAX_CHARS = 100
    ticket = open_ticket(papadopoulos)
    response = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages", {"kind": "note", "body": "x" * 101}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "body"], "msg": "At most 100 characters (this text has 101).", "type": "value_error"}
    ]


def test_api_refuses_a_logged_request_over_the_limit(
    papadopoulos: Customer, agent: Any, api_as: Any, settings: Any
) -> None:
    settings.PELATIS_MESSAGE_MAX_CHARS = 100
    response = api_as(agent).post(
        "/api/v1/tickets", {"customer_id": papadopoulos.pk, "subject": "Τηλεφώνημα", "body": "x" * 101}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "body"
    assert not papadopoulos.tickets.exists()


def test_api_schema_documents_the_limit(client: Any) -> None:
    body = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["MessageIn"]["properties"][
        "body"
    ]
    assert "PELATIS_MESSAGE_MAX_CHARS" in body["description"]
    assert body["maxLength"] == 1_000_000  # a ceiling for any configuration; the service applies the setting
