"""Canned replies: agreed wording with placeholders, rendered for one ticket."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pelatis.customers.models import Order
from pelatis.lang.address import salutation

from ..models import CannedReply, Ticket

PLACEHOLDERS = ("greeting", "title_name", "first_name", "last_name", "order", "agent", "ticket")
_FIELD = re.compile(r"\{(\w+)\}")


def placeholders_of(ticket: Ticket, agent: AbstractBaseUser | None) -> dict[str, str]:
    """The values a canned reply may use for this ticket, in the customer's form of address."""
    customer = ticket.customer
    order = (ticket.orders.order_by("-placed_at").first() or
             Order.objects.filter(customer=customer).order_by("-placed_at").first())
    title_name = " ".join(p for p in (customer.title, customer.last_name or customer.display_name) if p)
    agent_name = ""
    if agent is not None and agent.is_authenticated:
        agent_name = agent.get_full_name() or agent.get_username()  # type: ignore[attr-defined]
    return {
        "greeting": salutation(language=ticket.language[:2], formal=customer.formal, title=customer.title,
                               first_name=customer.first_name, last_name=customer.last_name),
        "title_name": title_name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "order": order.reference if order else "",
        "agent": agent_name,
        "ticket": f"#{ticket.pk}",
    }


def canned_render(*, reply: CannedReply, ticket: Ticket, agent: AbstractBaseUser | None) -> str:
    """The reply's text for this ticket; unknown placeholders stay visible so the agent notices them."""
    values = placeholders_of(ticket, agent)
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), reply.body)


def _check_body(body: str) -> None:
    unknown = sorted({m.group(1) for m in _FIELD.finditer(body)} - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError({"body": [_("Unknown placeholders: %(names)s. Use %(known)s.") % {
            "names": ", ".join("{" + u + "}" for u in unknown), "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS)}]})
    if not body.strip():
        raise ValidationError({"body": [_("The text is empty.")]})


@transaction.atomic
def canned_save(*, name: str, language: str, body: str, team_id: int | None = None,
                reply: CannedReply | None = None) -> CannedReply:
    """Create or update a canned reply; its placeholders are checked."""
    _check_body(body)
    if not name.strip():
        raise ValidationError({"name": [_("A name is required.")]})
    clash = CannedReply.objects.filter(name=name.strip(), language=language).exclude(pk=reply.pk if reply else None)
    if clash.exists():
        raise ValidationError({"name": [_("A reply with this name already exists in this language.")]})
    reply = reply or CannedReply()
    reply.name, reply.language, reply.body, reply.team_id = name.strip()[:100], language, body, team_id
    reply.save()
    return reply
