"""Who may use the help desk's staff pages: anonymous visitors log in first, outsiders get 403, readers
see but cannot change anything; the navigation counts the open tickets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message
from pelatis.helpdesk.tests.pages import rows, url

# ---------------------------------------------------------------- access


@pytest.mark.parametrize("name", ["inbox"])
def test_anonymous_is_sent_to_login(client: Client, db: None, name: str) -> None:
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_ticket_page_is_sent_to_login(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    response = client.get(url("ticket", ticket.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url("reply", ticket.pk), {"body": "x"}).status_code == 302
    assert not Message.objects.filter(direction="out").exists()


def test_outsider_gets_403_everywhere(
    client_as: Any, outsider: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    c = client_as(outsider)
    assert c.get(url("inbox")).status_code == 403
    assert c.get(url("ticket", ticket.pk)).status_code == 403
    for name in ("reply", "note", "status", "tone", "canned", "merge"):
        assert c.post(url(name, ticket.pk), {"body": "Καλησπέρα", "status": "resolved"}).status_code == 403, (
            name
        )
    assert (
        c.post(url("bulk"), {"ids": [ticket.pk], "action": "status", "status": "closed"}).status_code == 403
    )
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.messages.count() == 1


def test_reader_sees_but_cannot_reply(
    client_as: Any, reader: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, body="Θέλω να αλλάξω την ημερομηνία.")
    c = client_as(reader)
    inbox = c.get(url("inbox")).content.decode()
    assert rows(inbox) == [ticket.pk]
    assert 'name="ids"' not in inbox  # no bulk selection
    page = c.get(url("ticket", ticket.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Θέλω να αλλάξω την ημερομηνία." in html
    assert 'id="composer"' not in html
    assert url("reply", ticket.pk) not in html
    assert c.post(url("reply", ticket.pk), {"body": "Γεια σας", "status": "resolved"}).status_code == 403
    assert c.post(url("note", ticket.pk), {"body": "σημείωση"}).status_code == 403
    assert c.post(url("status", ticket.pk), {"status": "closed"}).status_code == 403
    assert ticket.messages.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_missing_ticket_is_404(client_as: Any, agent: Any) -> None:
    assert client_as(agent).get(url("ticket", 999_999)).status_code == 404


def test_navigation_shows_tickets_with_open_count(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    open_ticket(papadopoulos)
    open_ticket(papadopoulos, subject="Δεύτερο")
    html = client_as(agent).get(reverse("customers:list")).content.decode()
    assert f'href="{url("inbox")}"' in html
    assert re.search(r'class="nav-badge"[^>]*>2<', html)
