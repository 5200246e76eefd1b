"""The ticket page's history (events as sentences) and a complaint's stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from pelatis.customers.models import Interaction

from ..models import Team, Ticket, TicketEvent
from ..services.lifecycle import STAGE_ORDER


@dataclass(frozen=True)
class HistoryItem:
    kind: str
    icon: str
    text: str
    note: str
    by: Any
    at: dt.datetime


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    state: str  # "done", "current", "todo"
    at: dt.datetime | None = None


def _status_icon(status: str) -> str:
    if status in ("resolved", "closed"):
        return "check"
    return "pause" if status in ("pending", "on_hold") else "repeat"


def history_items(events: list[TicketEvent]) -> list[HistoryItem]:
    """The ticket's events as sentences, newest first; assignments name people (one query)."""
    ids = {int(v) for e in events if e.kind in ("assigned", "routed") for v in (e.old, e.new) if v.isdigit()}
    users = get_user_model().objects.in_bulk(list(ids)) if ids else {}
    team_ids = {int(v) for e in events if e.kind == "team" for v in (e.old, e.new) if v.isdigit()}
    teams = {str(pk): t.name for pk, t in Team.objects.in_bulk(list(team_ids)).items()} if team_ids else {}
    status = dict(Ticket.Status.choices)
    priority = dict(Ticket.Priority.choices)
    stage = dict(Ticket.Stage.choices)
    channel = dict(Interaction.Channel.choices)

    def name(raw: str) -> str:
        user = users.get(int(raw)) if raw.isdigit() else None
        return (user.get_full_name() or user.get_username()) if user else raw

    items = []
    for e in events:
        icon = "system"
        if e.kind == "opened":
            text, icon = _("Ticket opened (%(channel)s)") % {"channel": channel.get(e.note, e.note)}, "inbox"
        elif e.kind == "status":
            text = _("Status: %(old)s → %(new)s") % {
                "old": status.get(e.old, e.old or "—"),
                "new": status.get(e.new, e.new),
            }
            icon = _status_icon(e.new)
        elif e.kind == "stage":
            text, icon = _("Complaint stage: %(stage)s") % {"stage": stage.get(e.new, e.new)}, "flag"
        elif e.kind == "assigned":
            text = _("Assigned to %(name)s") % {"name": name(e.new)} if e.new else _("Unassigned")
            icon = "user"
        elif e.kind == "routed":
            text = _("Routed to %(name)s") % {"name": name(e.new)} if e.new else _("Routed to a team")
            icon = "users"
        elif e.kind == "team":
            text = _("Team: %(old)s → %(new)s") % {
                "old": teams.get(e.old, "—") if e.old else "—",
                "new": teams.get(e.new, "—") if e.new else "—",
            }
            icon = "users"
        elif e.kind == "priority":
            text = _("Priority: %(old)s → %(new)s") % {
                "old": priority.get(e.old, e.old or "—"),
                "new": priority.get(e.new, e.new),
            }
            icon = "flag"
        elif e.kind == "orders":
            text, icon = _("Orders linked: %(orders)s") % {"orders": e.new}, "order"
        elif e.kind == "tags":
            text = _("Tags: %(tags)s") % {"tags": e.new} if e.new else _("Tags removed")
        elif e.kind == "split":
            split_off = e.new == str(e.ticket_id)
            text = (
                _("Split off from ticket #%(id)s") % {"id": e.old}
                if split_off
                else _("Ticket #%(id)s was split off from this one") % {"id": e.new}
            )
            icon = "merge"
        elif e.kind == "merged":
            text, icon = _("Ticket #%(id)s was merged into this one") % {"id": e.old}, "merge"
        elif e.kind == "verified":
            text = (
                _("The requester confirmed the address with the link we emailed")
                if e.new == "link"
                else _("The requester wrote from the address of the request")
            )
            icon = "check"
        else:  # a kind this page does not know yet: say that something changed, never the raw key
            text = _("Changed")
        note = "" if e.kind in ("opened", "team") else e.note
        items.append(HistoryItem(e.kind, icon, text, note, e.by, e.at))
    items.reverse()
    return items


def stage_steps(ticket: Ticket, events: list[TicketEvent]) -> list[StageStep]:
    """The complaint's way from received to confirmed, with when each stage was reached."""
    if ticket.type != Ticket.Type.COMPLAINT:
        return []
    reached = {e.new: e.at for e in events if e.kind == "stage"}
    current = STAGE_ORDER.index(ticket.stage) if ticket.stage in STAGE_ORDER else -1
    return [
        StageStep(
            value,
            str(label),
            "done" if i < current else "current" if i == current else "todo",
            reached.get(value),
        )
        for i, (value, label) in enumerate(Ticket.Stage.choices)
    ]
