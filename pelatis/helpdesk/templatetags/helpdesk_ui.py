"""Presentation helpers of the help desk UI: SLA state, badges, ages, the open-ticket badge, extra icons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext

from pelatis.core.templatetags.pelatis_ui import icon as base_icon

from ..models import Ticket

register = template.Library()

# Help-desk icons the shared set lacks; same 24×24 grid and stroke as pelatis_ui's.
_ICONS: dict[str, str] = {
    "inbox": '<path d="M3 13h5l1.5 3h5L16 13h5"/><path d="M5 5h14l2 8v6H3v-6z"/>',
    "lock": '<rect x="5" y="10" width="14" height="10" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/>',
    "clip": '<path d="m20 11-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "send": '<path d="M21 3 10 14"/><path d="M21 3 14 21l-4-7-7-4z"/>',
    "pause": '<circle cx="12" cy="12" r="9"/><path d="M10 9v6M14 9v6"/>',
    "flag": '<path d="M5 21V4"/><path d="M5 4h13l-3 4.5 3 4.5H5"/>',
    "history": '<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5M12 7v5l3 2"/>',
    "sparkle": '<path d="M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5 18 18M6 18l2.5-2.5M15.5 8.5 18 6"/>',
    "reply": '<path d="M9 7 4 12l5 5"/><path d="M4 12h10a6 6 0 0 1 6 6v1"/>',
}


@register.simple_tag
def hicon(name: str, label: str = "") -> SafeString:
    """Like pelatis_ui's ``icon``, with the help desk's extra icons."""
    body = _ICONS.get(name)
    if body is None:
        return base_icon(name, label)
    aria = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')  # noqa: S308
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" {}>{}</svg>',
        name,
        aria,
        mark_safe(body),  # noqa: S308 - the icon bodies are constants above
    )


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
