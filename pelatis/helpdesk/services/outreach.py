"""Conversations we start: a ticket whose first message is ours, emailed to the customer."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis.customers.models import ContactPoint, Customer

from ..models import Message, Ticket
from ..search import search_index
from . import sla
from .history import event_record, timeline_opened
from .lifecycle import ticket_set_status
from .messages import message_length_check, message_send_on_commit


@transaction.atomic
def ticket_start_outbound(
    *,
    customer: Customer,
    subject: str,
    body: str,
    type: str = Ticket.Type.QUESTION,
    priority: str = Ticket.Priority.NORMAL,
    by: User,
) -> Ticket:
    """A conversation we start by email: the ticket's first message is ours, queued and sent after commit by
    the same outbound path as replies. The ticket then waits on the customer; their answer threads onto it."""
    text = (body or "").strip()
    subject = " ".join((subject or "").split())[:250]
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("An email needs a subject.")]
    if not text:
        errors["body"] = [_("The message is empty.")]
    if type not in Ticket.Type.values:
        errors["type"] = [_("Unknown ticket type “%(value)s”.") % {"value": type}]
    if priority not in Ticket.Priority.values:
        errors["priority"] = [_("Unknown priority “%(value)s”.") % {"value": priority}]
    to = (
        ContactPoint.objects.filter(customer=customer, kind=ContactPoint.Kind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )
    if not to:
        errors["channel"] = [_("%(name)s has no email address.") % {"name": customer.display_name}]
    if errors:
        raise ValidationError(errors)
    message_length_check(text)
    now = timezone.now()
    actor = by if by.is_authenticated else None
    ticket = Ticket.objects.create(
        subject=subject,
        customer=customer,
        type=type,
        priority=priority,
        channel="email",
        language=customer.language or "el",
        created_at=now,
        assignee=actor,
        stage=Ticket.Stage.RECEIVED if type == Ticket.Type.COMPLAINT else "",
        # We spoke first: nothing to acknowledge and no first answer owed; the address is the customer's own.
        first_responded_at=now,
        first_response_minutes=0,
        agent_replies=1,
        acknowledged_at=now,
        requester_verified_at=now,
    )
    event_record(ticket, "opened", new=ticket.status, note="email", by=actor, at=now)
    sla.sla_start(ticket=ticket)
    search_index(ticket_ids=[ticket.pk])
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        author=actor,
        to=[to],
        subject=subject,
        body_text=text,
        visible_text=text,
        created_at=now,
        delivery=Message.Delivery.QUEUED,
        # The agent's text is the whole letter, under the subject as written (a first email is no "Re:").
        email_template="reply",
        email_context={"body": text},
    )
    ticket = ticket_set_status(ticket=ticket, status=Ticket.Status.PENDING, by=by)
    timeline_opened(ticket, direction="out", at=now, by=actor, body=text)
    message_send_on_commit(message)
    return ticket
