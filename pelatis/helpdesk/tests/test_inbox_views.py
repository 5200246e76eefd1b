"""The inbox through Django's test client: its tabs and their counts, the rows, paging, a query count that
does not grow with the rows, and the bulk actions on selected rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Team, Ticket, TicketEvent
from pelatis.helpdesk.services.lifecycle import ticket_set_status
from pelatis.helpdesk.services.messages import InboundMail, reply_send
from pelatis.helpdesk.services.tickets import ticket_assign, ticket_open
from pelatis.helpdesk.tests.pages import HTMX, rows, tab_counts, url

# ---------------------------------------------------------------- inbox


def test_inbox_views_and_counts(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    # given: one of each
    team = Team.objects.create(name="Κρατήσεις")
    team.members.add(agent)
    mine = open_ticket(papadopoulos, subject="Δικό μου")
    ticket_assign(ticket=mine, agent=agent)
    teams = open_ticket(papadopoulos, subject="Της ομάδας")
    ticket_assign(ticket=teams, agent=manager, team_id=team.pk)
    loose = open_ticket(papadopoulos, subject="Χωρίς ανάθεση")
    waiting = open_ticket(papadopoulos, subject="Περιμένουμε τον πελάτη")
    reply_send(ticket=waiting, body_text="Μας στέλνετε τον αριθμό κράτησης;", by=manager, send_email=False)
    done = open_ticket(papadopoulos, subject="Λύθηκε")
    ticket_set_status(ticket=done, status="resolved")
    late = open_ticket(papadopoulos, subject="Αργεί")
    Ticket.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - dt.timedelta(hours=1))
    c = client_as(agent)

    # when
    html = c.get(url("inbox")).content.decode()

    # then: every tab counts its view; "all" is the default and includes the resolved one
    # (the manager's reply made the waiting ticket the manager's)
    assert tab_counts(html) == {"mine": 1, "team": 1, "unassigned": 2, "breaching": 1, "pending": 1, "all": 6}
    assert set(rows(html)) == {mine.pk, teams.pk, loose.pk, waiting.pk, done.pk, late.pk}
    assert rows(c.get(url("inbox"), {"view": "mine"}).content.decode()) == [mine.pk]
    assert rows(c.get(url("inbox"), {"view": "team"}).content.decode()) == [teams.pk]
    assert set(rows(c.get(url("inbox"), {"view": "unassigned"}).content.decode())) == {loose.pk, late.pk}
    assert rows(c.get(url("inbox"), {"view": "breaching"}).content.decode()) == [late.pk]
    assert rows(c.get(url("inbox"), {"view": "pending"}).content.decode()) == [waiting.pk]
    assert rows(c.get(url("inbox"), {"status": "resolved"}).content.decode()) == [done.pk]
    # an unknown view falls back to all instead of failing
    assert len(rows(c.get(url("inbox"), {"view": "nonsense"}).content.decode())) == 6


def test_inbox_rows_show_customer_link_status_sla_and_assignee(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Παράπονο για το δωμάτιο", type="complaint")
    ticket_assign(ticket=ticket, agent=agent)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due=timezone.now() - dt.timedelta(hours=2, minutes=5)
    )
    html = client_as(agent).get(url("inbox")).content.decode()
    row = html[html.index(f'<tr data-ticket="{ticket.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"#{ticket.pk}" in row
    assert "Παράπονο για το δωμάτιο" in row
    assert f'href="{reverse("customers:detail", args=[papadopoulos.pk])}"' in row
    assert 'data-status="new"' in row
    assert "Complaint" in row
    assert "Normal" in row
    assert 'data-sla="overdue"' in row
    assert "overdue by 2" in row
    assert "agent" in row


def test_inbox_is_paginated_by_25(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    for i in range(30):
        open_ticket(papadopoulos, subject=f"Αίτημα {i}")
    c = client_as(agent)
    first = c.get(url("inbox")).content.decode()
    second = c.get(url("inbox"), {"page": 2}).content.decode()
    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert not set(rows(first)) & set(rows(second))
    # htmx gets the inbox fragment only
    fragment = c.get(url("inbox"), {"page": 2}, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="inbox"')
    assert len(rows(fragment)) == 5


def test_inbox_query_count_does_not_grow_with_rows(
    client_as: Any, agent: Any, manager: Any, make_customer: Any, django_assert_max_num_queries: Any
) -> None:
    team = Team.objects.create(name="Υποδοχή")

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            customer = make_customer(first_name="Όνομα", last_name=f"Επώνυμο{i}", emails=[f"p{i}@example.gr"])
            ticket, _m = ticket_open(
                customer=customer, subject=f"Αίτημα {i}", mail=InboundMail(body_text="Καλησπέρα")
            )
            ticket_assign(ticket=ticket, agent=agent if i % 2 else manager, team_id=team.pk)

    c = client_as(agent)
    add(5, 0)
    c.get(url("inbox"))  # warm up session and permission caches
    with django_assert_max_num_queries(20) as few:
        assert len(rows(c.get(url("inbox")).content.decode())) == 5
    add(25, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(c.get(url("inbox")).content.decode())) == 25


def test_bulk_assign_to_me_and_set_status(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    a, b, untouched = open_ticket(papadopoulos), open_ticket(papadopoulos), open_ticket(papadopoulos)
    c = client_as(agent)
    back = url("inbox") + "?view=unassigned"
    response = c.post(url("bulk"), {"ids": [a.pk, b.pk], "action": "assign_me", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == {a.pk, b.pk}
    c.post(url("bulk"), {"ids": [a.pk, b.pk], "action": "status", "status": "on_hold"})
    assert set(Ticket.objects.filter(status="on_hold").values_list("pk", flat=True)) == {a.pk, b.pk}
    # each through the service: history written, and the service's refusal reported per ticket
    assert TicketEvent.objects.filter(ticket=a, kind="status", new="on_hold").exists()
    page = c.post(
        url("bulk"), {"ids": [a.pk, untouched.pk], "action": "status", "status": "new"}, follow=True
    )
    assert f"#{a.pk}: A ticket cannot go back to new." in page.content.decode()
    untouched.refresh_from_db()
    assert untouched.status == "new"
    assert untouched.assignee_id is None
    # an off-site "next" is ignored
    assert c.post(url("bulk"), {"ids": [a.pk], "action": "assign_me", "next": "https://evil.example/"})[
        "Location"
    ] == url("inbox")


def test_bulk_by_reader_is_refused_and_changes_nothing(
    client_as: Any, reader: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    assert client_as(reader).post(url("bulk"), {"ids": [ticket.pk], "action": "assign_me"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
