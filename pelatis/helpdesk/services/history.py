"""What every ticket service writes besides the ticket: its history entry and the customer's timeline."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_noop

from pelatis.customers.models import Interaction
from pelatis.customers.services import interaction_record, timeline_text

from ..models import Ticket, TicketEvent


def event_record(
    ticket: Ticket,
    kind: str,
    *,
    old: str = "",
    new: str = "",
    note: str = "",
    by: User | None = None,
    at: dt.datetime | None = None,
) -> TicketEvent:
    """One line of the ticket's history (``kind``: opened, status, stage, assigned, merged, split…)."""
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        old=old,
        new=new,
        note=note[:300],
        by=by if by is not None and by.is_authenticated else None,
        at=at or timezone.now(),
    )


def timeline_record(
    ticket: Ticket,
    *,
    channel: str,
    direction: str,
    summary: str,
    at: dt.datetime,
    by: User | None = None,
    body: str = "",
) -> None:
    """The ticket's entry on its customer's interaction timeline (an unknown channel counts as email)."""
    interaction_record(
        customer=ticket.customer,
        channel=channel if channel in Interaction.Channel.values else "email",
        direction=direction,
        summary=summary,
        body=body[:2000],
        occurred_at=at,
        actor=by,
        source_type="helpdesk.ticket",
        source_id=str(ticket.pk),
    )


def timeline_opened(ticket: Ticket, *, direction: str, at: dt.datetime, by: User | None, body: str) -> None:
    """The timeline entry of a new ticket («Ticket #12: subject»), with its first message."""
    timeline_record(
        ticket,
        channel=ticket.channel,
        direction=direction,
        at=at,
        by=by,
        body=body,
        summary=timeline_text(
            gettext_noop("Ticket #%(id)s: %(subject)s"), id=ticket.pk, subject=ticket.subject
        ),
    )
