"""Work that starts on the customer's page: a new ticket (a call, a visit, or an email we write first) and the
card of the customer's tickets. Registered with customers in ChannelsConfig.ready(), so customers imports no
help desk code.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.customers.views import TicketStarted
from pelatis.helpdesk.models import Message, Ticket, TicketEvent
from pelatis.helpdesk.services import sla
from pelatis.helpdesk.services.tickets import (
    OUTBOUND_SENDERS,
    InboundMail,
    message_length_check,
    ticket_open,
    ticket_set_status,
)

STAFF_CHANNELS = ("phone", "in_person", "email")
TICKETS_SHOWN = 10


def ticket_start(*, customer: Customer, subject: str, body: str, channel: str, type: str, priority: str,
                 by: AbstractBaseUser) -> TicketStarted:
    """A ticket opened by staff for this customer: what they asked on the phone or in person, or (``email``)
    an email we write to them, which goes out through the outbox like any reply."""
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": [_("Unknown channel “%(value)s”.") % {"value": channel}]})
    if channel == "email":
        ticket = ticket_start_by_email(customer=customer, subject=subject, body=body, type=type, priority=priority,
                                       by=by)
    else:
        message_length_check(body)
        ticket, _message = ticket_open(customer=customer, subject=subject, channel=channel, type=type,
                                       priority=priority, mail=InboundMail(body_text=body), by=by)
    return TicketStarted(ticket_id=ticket.pk, url=reverse("helpdesk:ticket", args=[ticket.pk]))


@transaction.atomic
def ticket_start_by_email(*, customer: Customer, subject: str, body: str, type: str = Ticket.Type.QUESTION,
                          priority: str = Ticket.Priority.NORMAL, by: AbstractBaseUser) -> Ticket:
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
    to = (ContactPoint.objects.filter(customer=customer, kind=ContactPoint.Kind.EMAIL)
          .order_by("-is_primary", "id").values_list("value", flat=True).first())
    if not to:
        errors["channel"] = [_("%(name)s has no email address.") % {"name": customer.display_name}]
    if errors:
        raise ValidationError(errors)
    message_length_check(text)
    now = timezone.now()
    actor = by if by.is_authenticated else None
    ticket = Ticket.objects.create(
        subject=subject, customer=customer, type=type, priority=priority, channel="email",
        language=customer.language or "el", created_at=now, assignee=actor,
        stage=Ticket.Stage.RECEIVED if type == Ticket.Type.COMPLAINT else "",
        # We spoke first: nothing to acknowledge and no first answer owed; the address is the customer's own.
        first_responded_at=now, first_response_minutes=0, agent_replies=1, acknowledged_at=now,
        requester_verified_at=now,
    )
    TicketEvent.objects.create(ticket=ticket, kind="opened", new=ticket.status, note="email", by=actor, at=now)
    sla.sla_start(ticket=ticket)
    message = Message.objects.create(
        ticket=ticket, direction=Message.Direction.OUTBOUND, author=actor, to=[to], subject=subject,
        body_text=text, visible_text=text, created_at=now, delivery=Message.Delivery.QUEUED,
        # The agent's text is the whole letter, under the subject as written (a first email is no "Re:").
        email_template="reply", email_context={"body": text},
    )
    ticket_set_status(ticket=ticket, status=Ticket.Status.PENDING, by=by)
    interaction_record(customer=customer, channel="email", direction="out", body=text[:2000], occurred_at=now,
                       actor=by, summary=timeline_text(gettext_noop("Ticket #%(id)s: %(subject)s"), id=ticket.pk,
                                                       subject=subject),
                       source_type="helpdesk.ticket", source_id=str(ticket.pk))
    transaction.on_commit(lambda: [send(message.pk) for send in OUTBOUND_SENDERS])
    return ticket


def tickets_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's card of their tickets, newest first, with their status."""
    if not request.user.has_perm("helpdesk.view_ticket"):
        return ""
    tickets = Ticket.objects.filter(customer=customer, merged_into__isnull=True)
    counts = tickets.aggregate(total=Count("id"), open=Count("id", filter=~Q(status__in=[
        Ticket.Status.RESOLVED, Ticket.Status.CLOSED])))
    rows = list(tickets.select_related("assignee").order_by("-created_at", "-id")[:TICKETS_SHOWN])
    return render_to_string("channels/_customer_tickets.html", {
        "c": customer, "tickets": rows, "total": counts["total"], "open": counts["open"],
    }, request=request)

