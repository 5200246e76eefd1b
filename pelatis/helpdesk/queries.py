"""Reads: the access helper, inbox views, the ticket page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Message, Ticket, TicketEvent

User = AbstractBaseUser | AnonymousUser
OPEN_STATUSES = [Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.ON_HOLD]
VIEWS = ("all", "mine", "team", "unassigned", "breaching", "pending")
BREACHING_WITHIN = dt.timedelta(minutes=30)


def ticket_for(user: User, ticket_id: int, *, write: bool = False) -> Ticket:
    """The ticket if ``user`` may see it (and work on it, with write=True); else 404/403."""
    if not user.has_perm("helpdesk.view_ticket") or (write and not user.has_perm("helpdesk.change_ticket")):
        raise PermissionDenied
    ticket = Ticket.objects.select_related("customer", "assignee", "team", "sla_policy", "merged_into").filter(
        pk=ticket_id).first()
    if ticket is None:
        raise Http404
    return ticket


def inbox(user: User, *, view: str = "all", status: str = "", now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Tickets of one inbox view, most urgent first; a fixed number of queries however many rows are shown."""
    now = now or timezone.now()
    qs = Ticket.objects.filter(merged_into__isnull=True).select_related("customer", "assignee", "team")
    if status:
        qs = qs.filter(status=status)
    elif view != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        qs = qs.filter(assignee_id=user.pk)
    elif view == "team":
        qs = qs.filter(team__members=user.pk) if user.pk else qs.none()
    elif view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif view == "breaching":
        soon = now + BREACHING_WITHIN
        qs = qs.filter(Q(sla_breached=True) | Q(first_response_due__lte=soon, first_responded_at__isnull=True)
                       | Q(next_response_due__lte=soon) | Q(resolution_due__lte=soon))
    elif view == "pending":
        qs = qs.filter(status=Ticket.Status.PENDING)
    return qs.order_by("-sla_breached", "first_response_due", "-created_at", "-id") if view == "breaching" else qs


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    messages: list[Message]
    events: list[TicketEvent]


def ticket_page(ticket: Ticket) -> TicketPage:
    """The conversation and history of a ticket."""
    messages = list(Message.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments"))
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("by"))
    return TicketPage(ticket=ticket, messages=messages, events=events)
