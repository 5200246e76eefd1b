"""Work that starts on the customer's page: a new ticket (a call, a visit, or an email we write first), the
form that logs a call or visit beside the timeline, and the card of the customer's tickets. Declared in
channels' hooks.py, so customers imports no help desk or channels code.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer
from pelatis.customers.page_views import TicketStarted, TicketStarter
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.outreach import ticket_start_outbound
from pelatis.helpdesk.services.tickets import InboundMail, message_length_check, ticket_open

STAFF_CHANNELS = ("phone", "in_person", "email")
TICKETS_SHOWN = 10


def _ticket_start(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str,
    type: str,
    priority: str,
    by: User,
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


ticket_start = TicketStarter(
    start=_ticket_start,
    types=lambda: [(value, str(label)) for value, label in Ticket.Type.choices],
    priorities=lambda: [(value, str(label)) for value, label in Ticket.Priority.choices],
)


def call_log_form(request: HttpRequest, customer: Customer) -> str:
    """The form beside the customer's timeline that logs a phone call or visit (and may open a ticket)."""
    if customer.is_merged or not request.user.has_perm("customers.add_interaction"):
        return ""
    return render_to_string("channels/_customer_call_log.html", {"c": customer}, request=request)


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
