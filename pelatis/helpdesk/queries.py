"""Reads: the access helper, inbox views, the ticket page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Message, Team, Ticket, TicketEvent

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


def _view_filter(user: User, view: str, now: dt.datetime) -> Q:
    """The condition of an inbox view (on top of not merged, and open unless a status is chosen)."""
    if view == "mine":
        return Q(assignee_id=user.pk)
    if view == "team":
        return Q(team__members=user.pk) if user.pk else Q(pk__in=[])
    if view == "unassigned":
        return Q(assignee__isnull=True)
    if view == "breaching":
        soon = now + BREACHING_WITHIN
        return (Q(sla_breached=True) | Q(first_response_due__lte=soon, first_responded_at__isnull=True)
                | Q(next_response_due__lte=soon) | Q(resolution_due__lte=soon))
    if view == "pending":
        return Q(status=Ticket.Status.PENDING)
    return Q()


def _base(status: str) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(merged_into__isnull=True)
    return qs.filter(status=status) if status else qs


def inbox(user: User, *, view: str = "all", status: str = "", now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Tickets of one inbox view, most urgent first; a fixed number of queries however many rows are shown."""
    now = now or timezone.now()
    qs = _base(status).select_related("customer", "assignee", "team")
    if not status and view != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    qs = qs.filter(_view_filter(user, view, now))
    return qs.order_by("-sla_breached", "first_response_due", "-created_at", "-id") if view == "breaching" else qs


def inbox_counts(user: User, *, status: str = "", now: dt.datetime | None = None) -> dict[str, int]:
    """How many tickets each inbox view holds, in one query."""
    now = now or timezone.now()
    is_open = Q() if status else Q(status__in=OPEN_STATUSES)
    counts = {}
    for view in VIEWS:
        if view == "team":
            continue  # a join through team members: counted on its own below
        counts[view] = Count("id", filter=_view_filter(user, view, now) & (Q() if view == "all" else is_open))
    result = _base(status).aggregate(**counts)
    in_a_team = bool(user.pk) and Team.objects.filter(members=user.pk).exists()
    result["team"] = inbox(user, view="team", status=status, now=now).count() if in_a_team else 0
    return {view: int(result[view] or 0) for view in VIEWS}


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
