"""Canned replies: agreed wording with placeholders, rendered for one ticket."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pelatis.customers.models import Order
from pelatis.lang.address import salutation

from ..models import AgentProfile, CannedReply, Ticket

PLACEHOLDERS = ("greeting", "title_name", "first_name", "last_name", "order", "agent", "ticket")
_FIELD = re.compile(r"\{(\w+)\}")


def signature_of(agent: User | None) -> str:
    """How the agent signs replies: their own signature, else full name and job title; never the login name."""
    if agent is None or not agent.is_authenticated:
        return ""
    profile = AgentProfile.objects.filter(user_id=agent.pk).only("title", "signature").first()
    if profile is not None and profile.signature.strip():
        return "\n".join(line.rstrip() for line in profile.signature.strip().splitlines())
    name = " ".join((agent.get_full_name() or "").split())
    if not name:
        return ""
    title = " ".join(profile.title.split()) if profile is not None else ""
    return f"{name}\n{title}" if title else name


def signed(text: str, agent: User | None) -> str:
    """The reply with the agent's signature at its end, unless it already ends with it (a canned reply's
    {agent}); when the agent signed with their name alone, the rest of the signature goes under it."""
    signature = signature_of(agent)
    body = text.rstrip()
    if not signature or body.endswith(signature):
        return body
    first, _sep, rest = signature.partition("\n")
    last_line = body.rsplit("\n", 1)[-1].strip()
    if rest and last_line == first:
        return f"{body}\n{rest}"
    return f"{body}\n\n{signature}"


def placeholders_of(ticket: Ticket, agent: User | None) -> dict[str, str]:
    """The values a canned reply may use for this ticket, in the customer's form of address."""
    customer = ticket.customer
    order = (
        ticket.orders.order_by("-placed_at").first()
        or Order.objects.filter(customer=customer).order_by("-placed_at").first()
    )
    title_name = " ".join(p for p in (customer.title, customer.last_name or customer.display_name) if p)
    return {
        "greeting": salutation(
            language=ticket.language[:2],
            formal=customer.formal,
            title=customer.title,
            first_name=customer.first_name,
            last_name=customer.last_name,
        ),
        "title_name": title_name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "order": order.reference if order else "",
        "agent": signature_of(agent),
        "ticket": f"#{ticket.pk}",
    }


def canned_render(*, reply: CannedReply, ticket: Ticket, agent: User | None) -> str:
    """The reply's text for this ticket; unknown placeholders stay visible so the agent notices them."""
    values = placeholders_of(ticket, agent)
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), reply.body)


def _check_body(body: str) -> None:
    unknown = sorted({m.group(1) for m in _FIELD.finditer(body)} - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            {
                "body": [
                    _("Unknown placeholders: %(names)s. Use %(known)s.")
                    % {
                        "names": ", ".join("{" + u + "}" for u in unknown),
                        "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                    }
                ]
            }
        )
    if not body.strip():
        raise ValidationError({"body": [_("The text is empty.")]})


@transaction.atomic
def canned_save(
    *, name: str, language: str, body: str, team_id: int | None = None, reply: CannedReply | None = None
) -> CannedReply:
    """Create or update a canned reply; its placeholders are checked."""
    _check_body(body)
    if not name.strip():
        raise ValidationError({"name": [_("A name is required.")]})
    clash = CannedReply.objects.filter(name=name.strip(), language=language)
    if reply is not None:
        clash = clash.exclude(pk=reply.pk)
    if clash.exists():
        raise ValidationError({"name": [_("A reply with this name already exists in this language.")]})
    reply = reply or CannedReply()
    reply.name, reply.language, reply.body, reply.team_id = name.strip()[:100], language, body, team_id
    reply.save()
    return reply


@transaction.atomic
def agent_profile_save(
    *, user: User, first_name: str, last_name: str, title: str, signature: str
) -> AgentProfile:
    """The agent's name, job title and signature, as replies are signed with them."""
    first, last = " ".join(first_name.split())[:150], " ".join(last_name.split())[:150]
    if not first or not last:
        raise ValidationError(
            {
                "first_name" if not first else "last_name": [
                    _("Replies are signed with your full name: enter it.")
                ]
            }
        )
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    profile, _created = AgentProfile.objects.get_or_create(user=user)
    profile.title = " ".join(title.split())[:100]
    profile.signature = signature.strip()[:1000]
    profile.save(update_fields=["title", "signature"])
    return profile
