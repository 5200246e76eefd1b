"""Work that starts on the customer's page: a new ticket (a call, a visit, or an email we write first) and the
card of the customer's tickets. Registered with customers in ChannelsConfig.ready(), so customers imports no
help desk code.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer
from pelatis.customers.views import TicketStarted
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.outreach import ticket_start_outbound
from pelatis.helpdesk.services.tickets import InboundMail, message_length_check, ticket_open

STAFF_CHANNELS = ("phone", "in_person", "email")
TICKETS_SHOWN = 10


def ticket_start(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str,
    type: str,
    priority: str,
    by: AbstractBaseUser,
) -> TicketStarted:
    """A ticket opened by staff for this customer: what they asked on the phone or in person, or (``email``)
    an email we write to them, which goes out through the outbox like any reply."""
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": [_("Unknown channel “%(value)s”.") % {"value": channel}]})
    if channel == "email":
        ticket = ticket_start_outbound(
            customer=customer, subject=subject, body=body, type=type, priority=priority, by=by
        )
    else:
        message_length_check(body)
        ticket, _message = ticket_open(
            customer=customer,
            subject=subject,
            channel=channel,
            type=type,
            priority=priority,
            mail=InboundMail(body_text=body),
            by=by,
        )
    return TicketStarted(ticket_id=ticket.pk, url=reverse("helpdesk:ticket", args=[ticket.pk]))


def tickets_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's card of their tickets, newest first, with their status."""
    if not request.user.has_perm("helpdesk.view_ticket"):
        return ""
    tickets = Ticket.objects.filter(customer=customer, merged_into__isnull=True)
    counts = tickets.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])),
    )
    rows = list(tickets.select_related("assignee").order_by("-created_at", "-id")[:TICKETS_SHOWN])
    return render_to_string(
        "channels/_customer_tickets.html",
        {
            "c": customer,
            "tickets": rows,
            "total": counts["total"],
            "open": counts["open"],
        },
        request=request,
    )
