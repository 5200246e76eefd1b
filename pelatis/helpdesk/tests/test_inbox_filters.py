"""Inbox filters and sorting as GET parameters: each filter narrows the list, sorts order it, "all" shows
overdue tickets first, "breaching soon" leaves paused tickets out and goes by due time; the query count
does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk import queries
from pelatis.helpdesk.models import Team, Ticket
from pelatis.helpdesk.services.lifecycle import ticket_set_status
from pelatis.helpdesk.services.messages import reply_send
from pelatis.helpdesk.services.tickets import ticket_assign, ticket_set_tags
from pelatis.helpdesk.tests.pages import rows

INBOX = reverse("helpdesk:inbox")


def due(ticket: Ticket, minutes: int) -> None:
    """Set the first-response clock to run out ``minutes`` from now (negative: already late)."""
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due=timezone.now() + dt.timedelta(minutes=minutes)
    )


def aged(ticket: Ticket, hours: float) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours))


@pytest.fixture
def desk(
    papadopoulos: Customer, make_customer: Any, open_ticket: Any, agent: Any, manager: Any
) -> dict[str, Any]:
    maria = make_customer(first_name="Μαρία", last_name="Νικολάου")
    team = Team.objects.create(name="Κρατήσεις")
    t = {
        "urgent_call": open_ticket(
            papadopoulos, subject="Τηλεφώνησε για ακύρωση", channel="phone", priority="urgent"
        ),
        "complaint": open_ticket(maria, subject="Θόρυβος", type="complaint", priority="high"),
        "web_low": open_ticket(maria, subject="Ερώτηση από τη φόρμα", channel="web", priority="low"),
        "waiting": open_ticket(papadopoulos, subject="Περιμένουμε απάντηση"),
        "old": open_ticket(papadopoulos, subject="Παλιό αίτημα"),
    }
    for i, key in enumerate(["old", "waiting", "web_low", "complaint", "urgent_call"]):
        aged(t[key], 10 - i)  # "old" is the oldest, "urgent_call" the newest
    ticket_assign(ticket=t["complaint"], agent=agent, team_id=team.pk)
    ticket_assign(ticket=t["web_low"], agent=manager)
    ticket_set_tags(ticket=t["web_low"], names=["Επιστροφή"])
    reply_send(
        ticket=t["waiting"], body_text="Μας στέλνετε τον αριθμό κράτησης;", by=manager, send_email=False
    )
    t["team"] = team
    return t


def test_each_filter_narrows_the_inbox(
    client_as: Any, agent: Any, manager: Any, desk: dict[str, Any], papadopoulos: Customer
) -> None:
    c = client_as(agent)

    def ids(**params: Any) -> set[int]:
        return set(rows(c.get(INBOX, params).content.decode()))

    assert ids(priority="urgent") == {desk["urgent_call"].pk}
    assert ids(channel="phone") == {desk["urgent_call"].pk}
    assert ids(channel="web") == {desk["web_low"].pk}
    assert ids(type="complaint") == {desk["complaint"].pk}
    assert ids(team=desk["team"].pk) == {desk["complaint"].pk}
    tag = desk["web_low"].tags.get()
    assert ids(tag=tag.pk) == {desk["web_low"].pk}
    assert ids(assignee=manager.pk) == {desk["web_low"].pk, desk["waiting"].pk}
    assert ids(customer=papadopoulos.pk) == {desk["urgent_call"].pk, desk["waiting"].pk, desk["old"].pk}
    assert ids(customer=papadopoulos.pk, priority="urgent") == {desk["urgent_call"].pk}
    # unknown values are ignored, not an error
    assert len(ids(priority="bogus", team="x", tag="99999999999999999999999")) == 5


def test_customer_filter_names_the_customer_and_filters_stay_in_tab_and_page_links(
    client_as: Any, agent: Any, desk: dict[str, Any], papadopoulos: Customer
) -> None:
    html = client_as(agent).get(INBOX, {"customer": papadopoulos.pk, "priority": "urgent"}).content.decode()
    assert "data-filter-customer" in html
    assert "Γιώργος Παπαδόπουλος" in html
    tab = re.search(r'<a class="hd-tab[^"]*" href="([^"]+)"[^>]*data-view="unassigned"', html)
    assert tab is not None
    assert f"customer={papadopoulos.pk}" in tab.group(1)
    assert "priority=urgent" in tab.group(1)


def test_sorts(desk: dict[str, Any], agent: Any) -> None:
    def order(sort: str) -> list[int]:
        return list(queries.inbox(agent, view="all", sort=sort).values_list("pk", flat=True))

    everything = [desk[k].pk for k in ("urgent_call", "complaint", "web_low", "waiting", "old")]
    assert order("newest") == everything
    assert order("oldest") == everything[::-1]
    assert order("priority")[:2] == [desk["urgent_call"].pk, desk["complaint"].pk]
    assert order("priority")[-1] == desk["web_low"].pk
    due(desk["old"], 5)
    due(desk["complaint"], 60)
    due(desk["urgent_call"], 600)
    assert order("due")[:3] == [desk["old"].pk, desk["complaint"].pk, desk["urgent_call"].pk]


def test_all_shows_overdue_tickets_first_then_newest(
    client_as: Any, agent: Any, desk: dict[str, Any]
) -> None:
    due(desk["old"], -30)
    due(desk["web_low"], -90)
    html = client_as(agent).get(INBOX).content.decode()
    assert rows(html)[:2] == [desk["web_low"].pk, desk["old"].pk]  # the later one first
    assert rows(html)[2:] == [desk[k].pk for k in ("urgent_call", "complaint", "waiting")]


def test_breaching_soon_leaves_out_paused_tickets_and_sorts_by_due_time(
    client_as: Any, agent: Any, desk: dict[str, Any]
) -> None:
    due(desk["complaint"], 20)
    due(desk["old"], -10)
    due(desk["urgent_call"], 5)
    ticket_set_status(ticket=desk["web_low"], status="on_hold")
    # a paused ticket whose clock had run out before it paused
    Ticket.objects.filter(pk=desk["web_low"].pk).update(
        first_response_due=timezone.now() - dt.timedelta(hours=1)
    )
    html = client_as(agent).get(INBOX, {"view": "breaching"}).content.decode()
    assert rows(html) == [desk["old"].pk, desk["urgent_call"].pk, desk["complaint"].pk]
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    assert counts["breaching"] == 3


@pytest.mark.parametrize("sort", ["", "due", "newest", "oldest", "priority"])
@pytest.mark.parametrize("view", ["all", "unassigned", "breaching"])
def test_paged_rows_follow_the_one_statement_order(
    agent: Any, desk: dict[str, Any], view: str, sort: str
) -> None:
    due(desk["old"], -30)
    due(desk["complaint"], 10)
    due(desk["urgent_call"], 200)
    reference = list(queries.inbox(agent, view=view, sort=sort))
    paged = queries.inbox_rows(agent, view=view, sort=sort)
    assert [t.pk for t in paged[0 : len(reference)]] == [t.pk for t in reference]
    assert [t.pk for t in paged[1:3]] == [t.pk for t in reference[1:3]]


def test_inbox_query_count_is_flat_with_search_filters_and_sort(
    client_as: Any, agent: Any, make_customer: Any, open_ticket: Any, django_assert_max_num_queries: Any
) -> None:
    team = Team.objects.create(name="Υποδοχή")
    team.members.add(agent)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            customer = make_customer(first_name="Ελένη", last_name=f"Κράτηση{i}")
            ticket = open_ticket(customer, subject=f"Ερώτηση για κράτηση {i}")
            ticket_assign(ticket=ticket, agent=agent, team_id=team.pk)
            ticket_set_tags(ticket=ticket, names=["Κράτηση"])
            if i % 3 == 0:
                due(ticket, -5)

    params = {"q": "κρατηση", "team": team.pk, "sort": "", "priority": "normal"}
    c = client_as(agent)
    add(3, 0)
    c.get(INBOX, params)
    with django_assert_max_num_queries(40) as few:
        assert len(rows(c.get(INBOX, params).content.decode())) == 3
    add(27, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(c.get(INBOX, params).content.decode())) == 25
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(c.get(INBOX, {**params, "sort": "priority", "page": 2}).content.decode())) == 5
