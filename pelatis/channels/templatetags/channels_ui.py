"""Template helpers for channel forms shown on other apps' pages (the call log on the customer page)."""

from __future__ import annotations

from django import template

from pelatis.helpdesk.models import Ticket

register = template.Library()


@register.simple_tag
def ticket_types() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Ticket.Type.choices]


@register.simple_tag
def ticket_priorities() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Ticket.Priority.choices]


@register.simple_tag
def request_link(ticket: Ticket) -> str:
    """The whole link of the ticket's request page, for emails to the requester's own address only."""
    from pelatis.channels.portal import portal_url

    return portal_url(ticket)
