"""Ticket life: open, assign, priority, linked orders and tags; the rest of a ticket's services by subject.

Every public service is one transaction, writes the ticket's history and the
customer's timeline, and keeps the SLA clocks in step (services.sla). Messages
are in ``services.messages``, status and stages in ``services.lifecycle``, merge
and split in ``services.merge``; this module names them all for the apps that
call the help desk.
"""

from __future__ import annotations

import enum
from typing import Final, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer, Order
from pelatis.customers.services import tags_named

from ..models import Message, Team, Ticket
from ..search import search_index
from . import routing, sla
from .history import event_record, timeline_opened
from .lifecycle import CLOSED, PAUSING, STAGE_ORDER, ticket_set_stage, ticket_set_status
from .merge import merge_customers_differ_message, message_split, ticket_merge, tickets_move_to_customer
from .messages import (
    InboundMail,
    message_in,
    message_length_check,
    message_max_chars,
    message_receive,
    note_add,
    reply_send,
)

__all__ = [
    "CLOSED",
    "KEEP",
    "PAUSING",
    "STAGE_ORDER",
    "InboundMail",
    "merge_customers_differ_message",
    "message_length_check",
    "message_max_chars",
    "message_receive",
    "message_split",
    "note_add",
    "reply_send",
    "ticket_assign",
    "ticket_link_orders",
    "ticket_merge",
    "ticket_open",
    "ticket_set_priority",
    "ticket_set_stage",
    "ticket_set_status",
    "ticket_set_tags",
    "tickets_move_to_customer",
]


@transaction.atomic
def ticket_open(
    *,
    customer: Customer,
    subject: str,
    mail: InboundMail,
    channel: str = "email",
    type: str = Ticket.Type.QUESTION,
    priority: str = Ticket.Priority.NORMAL,
    language: str = "",
    by: User | None = None,
) -> tuple[Ticket, Message]:
    """A new request from a customer: the ticket, its first message, the SLA clock and the timeline entry."""
    customer.refuse_if_erased()
    subject = " ".join((subject or "").split())[:250] or _("(no subject)")
    if type not in Ticket.Type.values:
        raise ValidationError({"type": [_("Unknown ticket type “%(value)s”.") % {"value": type}]})
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority “%(value)s”.") % {"value": priority}]})
    if not (mail.body_text or mail.body_html).strip():
        raise ValidationError({"body": [_("The message is empty.")]})
    at = mail.received_at or timezone.now()
    ticket = Ticket.objects.create(
        subject=subject,
        customer=customer,
        type=type,
        priority=priority,
        channel=channel,
        language=language or mail.language or customer.language or "el",
        created_at=at,
        stage=Ticket.Stage.RECEIVED if type == Ticket.Type.COMPLAINT else "",
        awaiting_reply_since=at,
        # Anyone can type any address into the web form: that requester is unverified until the
        # address proves itself. Mail from the mailbox and tickets staff log are taken as they come.
        requester_verified_at=None if channel == "web" else at,
    )
    message = message_in(ticket, mail, at)
    event_record(ticket, "opened", new=ticket.status, note=channel, by=by, at=at)
    if ticket.stage:
        event_record(ticket, "stage", new=ticket.stage, by=by, at=at)
    sla.sla_start(ticket=ticket)
    routing.ticket_route(ticket=ticket)
    search_index(ticket_ids=[ticket.pk])
    timeline_opened(ticket, direction="in", at=at, by=by, body=mail.visible_text or mail.body_text)
    return ticket, message


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP  # ticket_assign(team_id=KEEP): leave the team as it is


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    agent: User | None,
    team_id: int | None | Literal[_Keep.KEEP] = KEEP,
    by: User | None = None,
) -> Ticket:
    """Give the ticket to an agent (None: unassign) and, unless team_id is KEEP, to a team (None: no team)."""
    if team_id is not KEEP and team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationError({"team_id": [_("No team with id %(id)s.") % {"id": team_id}]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    old = str(locked.assignee_id or "")
    locked.assignee = agent
    if team_id is not KEEP:
        locked.team_id = team_id
    locked.save(update_fields=["assignee", "team", "updated_at"])
    event_record(locked, "assigned", old=old, new=str(agent.pk if agent else ""), by=by)
    return locked


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: str, by: User | None = None) -> Ticket:
    """Change the priority; the SLA policy is chosen again and keeps the business time already used."""
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority “%(value)s”.") % {"value": priority}]})
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if locked.priority == priority:
        return locked
    old, locked.priority = locked.priority, priority
    locked.save(update_fields=["priority", "updated_at"])
    event_record(locked, "priority", old=old, new=priority, by=by)
    sla.sla_set_policy(ticket=locked, policy=sla.policy_for(locked))
    return locked


@transaction.atomic
def ticket_link_orders(*, ticket: Ticket, order_ids: list[int], by: User | None = None) -> Ticket:
    """Link the customer's orders to the ticket (an order of another customer is refused)."""
    orders = list(Order.objects.filter(pk__in=order_ids))
    foreign = [o.reference for o in orders if o.customer_id != ticket.customer_id]
    missing = set(order_ids) - {o.pk for o in orders}
    if foreign or missing:
        raise ValidationError(
            {
                "order_ids": [
                    _("Not orders of this customer: %(refs)s")
                    % {"refs": ", ".join(foreign + [str(m) for m in sorted(missing)])}
                ]
            }
        )
    ticket.orders.add(*orders)
    event_record(ticket, "orders", new=", ".join(o.reference for o in orders)[:60], by=by)
    return ticket


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, names: list[str], by: User | None = None) -> Ticket:
    """Replace the ticket's tags (created as needed, shared with customer tags)."""
    tags = tags_named(names)
    ticket.tags.set(tags)
    event_record(ticket, "tags", new=", ".join(t.name for t in tags)[:60], by=by)
    return ticket
