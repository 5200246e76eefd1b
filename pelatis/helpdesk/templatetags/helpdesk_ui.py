"""Presentation helpers of the help desk UI: SLA state, badges, ages, the open-ticket badge, extra icons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext

from ..models import Ticket

register = template.Library()

# ---------------------------------------------------------------- SLA

SOON = dt.timedelta(minutes=30)
PAUSED = {Ticket.Status.PENDING, Ticket.Status.ON_HOLD}


@dataclass(frozen=True)
class SlaState:
    kind: str  # "due", "soon", "overdue", "paused", "breached", "met", "none"
    label: str
    due: dt.datetime | None = None
    target: str = ""  # which clock: first response, next response, resolution
    breached: bool = False  # a clock already ran out earlier (e.g. a late first answer)

    @property
    def css(self) -> str:
        return {
            "due": "badge-grey",
            "soon": "badge-amber",
            "overdue": "badge-red",
            "breached": "badge-red",
            "paused": "badge-blue",
            "met": "badge-green",
        }.get(self.kind, "")


def _span(a: dt.datetime, b: dt.datetime, depth: int = 2) -> str:
    """ "2 hours, 15 minutes" in the UI language (Django's own translations)."""
    return timeuntil(b, a, depth=depth) if b > a else timesince(b, a, depth=depth)


def sla_state_of(ticket: Ticket, now: dt.datetime | None = None, depth: int = 2) -> SlaState:
    """What the SLA clock says of a ticket now: due in X, overdue by X, paused, or nothing due."""
    now = now or timezone.now()
    if not ticket.is_open:
        if ticket.sla_breached:
            return SlaState("breached", gettext("SLA breached"))
        return SlaState(
            "met" if ticket.sla_policy_id else "none", gettext("Done") if ticket.sla_policy_id else "—"
        )
    if ticket.status in PAUSED:
        return SlaState("paused", gettext("Paused"), breached=ticket.sla_breached)
    clocks = []
    if ticket.first_responded_at is None and ticket.first_response_due:
        clocks.append((ticket.first_response_due, gettext("first response")))
    if ticket.next_response_due:
        clocks.append((ticket.next_response_due, gettext("next response")))
    if ticket.resolution_due:
        clocks.append((ticket.resolution_due, gettext("resolution")))
    if not clocks:
        if ticket.sla_breached:
            return SlaState("breached", gettext("SLA breached"))
        return SlaState("none", "—")
    due, target = min(clocks, key=lambda c: c[0])
    if due <= now:
        return SlaState(
            "overdue", gettext("overdue by %(time)s") % {"time": _span(due, now, depth)}, due, target, True
        )
    kind = "soon" if due - now <= SOON else "due"
    return SlaState(
        kind, gettext("due in %(time)s") % {"time": _span(now, due, depth)}, due, target, ticket.sla_breached
    )


@register.simple_tag
def sla_state(ticket: Ticket, depth: int = 2) -> SlaState:
    """``{% sla_state ticket depth=1 as sla %}``: depth 1 says "due in 3 hours" where space is short."""
    return sla_state_of(ticket, depth=depth)


@register.filter
def due_label(due: dt.datetime | None) -> str:
    """ "in 2 hours" / "3 hours ago" for a due time on the ticket page."""
    if due is None:
        return ""
    now = timezone.now()
    if due > now:
        return gettext("in %(time)s") % {"time": _span(now, due)}
    return gettext("%(time)s ago") % {"time": _span(due, now)}


@register.filter
def is_past(value: dt.datetime | None) -> bool:
    return value is not None and value <= timezone.now()


# ---------------------------------------------------------------- badges and ages

_STATUS_CSS = {
    "new": "badge-blue",
    "open": "badge-amber",
    "pending": "badge-grey",
    "on_hold": "badge-grey",
    "resolved": "badge-green",
    "closed": "badge-green",
}
_PRIORITY_CSS = {"low": "prio-low", "normal": "prio-normal", "high": "prio-high", "urgent": "prio-urgent"}


@register.filter
def status_css(status: str) -> str:
    return _STATUS_CSS.get(status, "")


@register.filter
def priority_css(priority: str) -> str:
    return _PRIORITY_CSS.get(priority, "")


@register.filter
def since(value: dt.datetime | None) -> str:
    """ "just now", "5 minutes ago", "3 days ago"."""
    if value is None:
        return ""
    if timezone.now() - value < dt.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, timezone.now(), depth=1)}


@register.filter
def person_short(user: User | None) -> str:
    """The first name (or the username) where a column is narrow."""
    if user is None:
        return ""
    return user.first_name or user.get_username()


@register.filter
def person(user: User | None) -> str:
    """A user's name for display."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------- navigation badge


@register.simple_tag(takes_context=True)
def open_ticket_count(context: template.Context) -> int:
    """Tickets waiting on us (new or open), for the navigation badge: one indexed COUNT, once per request."""
    request = context.get("request")
    if request is None:
        return 0
    cached = getattr(request, "_pelatis_open_tickets", None)
    if cached is None:
        cached = Ticket.objects.filter(
            status__in=[Ticket.Status.NEW, Ticket.Status.OPEN], merged_into__isnull=True
        ).count()
        request._pelatis_open_tickets = cached
    return int(cached)


@register.filter
def tone_category(category: str) -> str:
    """The tone checker's category in the UI language."""
    labels = {
        "blaming": gettext("Blaming"),
        "imperative": gettext("Commanding"),
        "casual": gettext("Too casual"),
        "jargon": gettext("Jargon"),
        "negative": gettext("Negative"),
        "shouting": gettext("Shouting"),
        "address": gettext("Form of address"),
        "structure": gettext("Greeting and closing"),
    }
    return labels.get(category, category)


@register.filter
def channel_label(channel: str) -> str:
    """ "phone" → "Phone call", in the UI language."""
    from pelatis.customers.models import Interaction

    return str(dict(Interaction.Channel.choices).get(channel, channel))
