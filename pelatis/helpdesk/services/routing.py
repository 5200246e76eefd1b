"""Routing of new tickets: rules by language, type, channel and skill; round-robin or least-loaded assignment;
and moving a ticket to another team, which keeps its assignee only when they belong to that team."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..models import AgentProfile, RoutingRule, Team, Ticket
from .history import event_record

OPEN = [Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.ON_HOLD]


def rule_for(ticket: Ticket) -> RoutingRule | None:
    """The first active rule whose non-empty conditions all match the ticket."""
    return (
        RoutingRule.objects.filter(active=True)
        .filter(
            Q(language="") | Q(language=ticket.language[:2]),
            Q(ticket_type="") | Q(ticket_type=ticket.type),
            Q(channel="") | Q(channel=ticket.channel),
        )
        .select_related("team")
        .first()
    )


def _eligible(rule: RoutingRule, language: str) -> list[Any]:
    """Active, available team members who speak the language and have the skill (no profile: no limits)."""
    members = list(get_user_model().objects.filter(helpdesk_teams=rule.team, is_active=True).order_by("pk"))
    profiles = {p.user_id: p for p in AgentProfile.objects.filter(user__in=members)}
    chosen = []
    for user in members:
        profile = profiles.get(user.pk)
        if profile is None:
            chosen.append(user)
            continue
        if not profile.available:
            continue
        if profile.languages and language[:2] not in profile.languages:
            continue
        if rule.skill and rule.skill not in profile.skills:
            continue
        chosen.append(user)
    return chosen


def ticket_route(*, ticket: Ticket) -> None:
    """Set the team and, by the rule's strategy, the agent of a new ticket (caller holds the ticket's transaction)."""
    rule = rule_for(ticket)
    if rule is None:
        return
    ticket.team = rule.team
    agent = None
    if rule.strategy != RoutingRule.Strategy.NONE:
        candidates = _eligible(rule, ticket.language)
        if candidates and rule.strategy == RoutingRule.Strategy.ROUND_ROBIN:
            locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
            after = [
                u for u in candidates if locked.last_assignee_id is None or u.pk > locked.last_assignee_id
            ]
            agent = (after or candidates)[0]
            RoutingRule.objects.filter(pk=rule.pk).update(last_assignee=agent)
        elif candidates:
            load = dict(
                Ticket.objects.filter(assignee__in=candidates, status__in=OPEN)
                .values_list("assignee")
                .annotate(n=Count("id"))
                .values_list("assignee", "n")
            )
            agent = min(candidates, key=lambda u: (load.get(u.pk, 0), u.pk))
    ticket.assignee = agent
    ticket.save(update_fields=["team", "assignee", "updated_at"])
    event_record(
        ticket,
        "routed",
        new=str(agent.pk if agent else ""),
        note=f"{rule.name} → {rule.team.name}",
        at=ticket.created_at,
    )


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, team_id: int | None, by: User | None = None, note: str = "") -> Ticket:
    """Move the ticket to a team (None: no team), with a "team" event; an assignee outside the new team is
    unassigned, with an "assigned" event. Nothing changes (and nothing is recorded) when the team is the same."""
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise ValidationError({"team_id": [_("No team with id %(id)s.") % {"id": team_id}]})
    # Only the ticket row is locked: its team is an outer join, which PostgreSQL cannot lock.
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("team").get(pk=ticket.pk)
    if locked.team_id == team_id:
        return locked
    old = locked.team
    locked.team = team
    event_record(
        locked,
        "team",
        old=str(old.pk if old else ""),
        new=str(team.pk if team else ""),
        note=note or f"{old.name if old else '—'} → {team.name if team else '—'}",
        by=by,
    )
    agent_id = locked.assignee_id
    if team is not None and agent_id is not None and not team.members.filter(pk=agent_id).exists():
        locked.assignee = None
        event_record(
            locked,
            "assigned",
            old=str(agent_id),
            new="",
            note=_("not a member of %(team)s") % {"team": team.name},
            by=by,
        )
    locked.save(update_fields=["team", "assignee", "updated_at"])
    return locked
