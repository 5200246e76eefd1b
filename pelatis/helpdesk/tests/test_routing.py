from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import AgentProfile, RoutingRule, Team, Ticket


def _agents(*specs: tuple[str, list[str]]) -> list[Any]:
    users = []
    for name, languages in specs:
        user = get_user_model().objects.create_user(username=name, password="x")
        AgentProfile.objects.create(user=user, languages=languages)
        users.append(user)
    return users


def test_language_rule_sends_german_mail_to_a_german_speaker(make_customer: Any, open_ticket: Any) -> None:
    greek, german = _agents(("maria", ["el", "en"]), ("jonas", ["de", "en"]))
    team = Team.objects.create(name="Reception")
    team.members.add(greek, german)
    RoutingRule.objects.create(name="German", language="de", team=team, strategy="least_loaded", rank=1)
    tourist = make_customer(first_name="Anna", last_name="Schmidt", language="de")
    ticket = open_ticket(tourist, subject="Zimmer", body="Guten Tag", language="de")
    assert (ticket.team, ticket.assignee) == (team, german)


def test_round_robin_takes_turns_and_skips_the_unavailable(papadopoulos: Customer, open_ticket: Any) -> None:
    a, b, c = _agents(("a", []), ("b", []), ("c", []))
    AgentProfile.objects.filter(user=c).update(available=False)
    team = Team.objects.create(name="Support")
    team.members.add(a, b, c)
    RoutingRule.objects.create(name="All", team=team, strategy="round_robin")
    assignees = [open_ticket(papadopoulos, subject=f"Θέμα {i}").assignee for i in range(4)]
    assert assignees == [a, b, a, b]


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(
    papadopoulos: Customer, open_ticket: Any
) -> None:
    a, b = _agents(("a", []), ("b", []))
    team = Team.objects.create(name="Support")
    team.members.add(a, b)
    RoutingRule.objects.create(name="All", team=team, strategy="least_loaded")
    first = open_ticket(papadopoulos)
    assert first.assignee == a
    second = open_ticket(papadopoulos)
    assert second.assignee == b
    Ticket.objects.filter(pk=first.pk).update(status="resolved")
    assert open_ticket(papadopoulos).assignee == a


def test_no_rule_leaves_the_ticket_unassigned(papadopoulos: Customer, open_ticket: Any) -> None:
    ticket = open_ticket(papadopoulos)
    assert ticket.team is None
    assert ticket.assignee is None
