"""Mail that comes in through a team's mailbox lands with that team, over what routing chose: the move is
in the ticket's history, and an agent routing picked from another team does not keep the ticket."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from pelatis.channels.tests.test_ingest import ingested, mail
from pelatis.helpdesk.models import RoutingRule, Team

pytestmark = pytest.mark.django_db


def _routed_to(team: Team) -> Any:
    """An agent of ``team``, whom the only routing rule picks for every new ticket."""
    agent = get_user_model().objects.create_user(username=f"agent-{team.pk}", password="x")
    team.members.add(agent)
    RoutingRule.objects.create(name="Everything", team=team, strategy="least_loaded")
    return agent


def test_the_mailbox_team_is_recorded_and_an_assignee_from_another_team_is_unassigned() -> None:
    # given: routing gives every ticket to the reception's agent; the mailbox belongs to billing
    reception, billing = Team.objects.create(name="Reception"), Team.objects.create(name="Billing")
    receptionist = _routed_to(reception)
    # when
    ticket = ingested(mail(), team_id=billing.pk)
    # then
    assert (ticket.team, ticket.assignee) == (billing, None)
    events = list(ticket.events.order_by("pk").values_list("kind", "old", "new"))
    assert events[-3:] == [
        ("routed", "", str(receptionist.pk)),
        ("team", str(reception.pk), str(billing.pk)),
        ("assigned", str(receptionist.pk), ""),
    ]


def test_an_assignee_who_is_also_in_the_mailbox_team_keeps_the_ticket() -> None:
    reception, billing = Team.objects.create(name="Reception"), Team.objects.create(name="Billing")
    both = _routed_to(reception)
    billing.members.add(both)
    ticket = ingested(mail(), team_id=billing.pk)
    assert (ticket.team, ticket.assignee) == (billing, both)
    assert list(ticket.events.filter(kind__in=["team", "assigned"]).values_list("kind", flat=True)) == [
        "team"
    ]


def test_mail_through_the_team_routing_chose_records_no_move() -> None:
    reception = Team.objects.create(name="Reception")
    receptionist = _routed_to(reception)
    ticket = ingested(mail(), team_id=reception.pk)
    assert (ticket.team, ticket.assignee) == (reception, receptionist)
    assert not ticket.events.filter(kind__in=["team", "assigned"]).exists()
