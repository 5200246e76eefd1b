"""The customer's timeline: one entry per contact, note, order or change, from every channel and app."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Customer, Interaction


def timeline_text(message: str, **params: object) -> str:
    """A timeline summary in the business's language, whoever's request writes it.

    Validation errors follow the user's language; the timeline is a shared
    record and reads the same for every colleague.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message) % params if params else translation.gettext(message)


def interaction_record(
    *,
    customer: Customer,
    channel: str,
    direction: str,
    summary: str,
    body: str = "",
    occurred_at: dt.datetime | None = None,
    actor: User | None = None,
    source_type: str = "",
    source_id: str = "",
) -> Interaction:
    """Add one entry to the customer's timeline (every channel and app calls this)."""
    if channel not in Interaction.Channel.values:
        raise ValidationError({"channel": [_("Unknown channel “%(value)s”.") % {"value": channel}]})
    if direction not in Interaction.Direction.values:
        raise ValidationError({"direction": [_("Unknown direction “%(value)s”.") % {"value": direction}]})
    summary = " ".join((summary or "").split())
    if not summary:
        raise ValidationError({"summary": [_("A summary is required.")]})
    return Interaction.objects.create(
        customer=customer,
        channel=channel,
        direction=direction,
        summary=summary[:300],
        body=body or "",
        occurred_at=occurred_at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        source_type=source_type,
        source_id=source_id,
    )


@transaction.atomic
def note_add(*, customer: Customer, body: str, by: User | None) -> Interaction:
    """An internal note on the customer's timeline."""
    customer.refuse_if_erased()
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": [_("The note is empty.")]})
    first_line = text.splitlines()[0]
    return interaction_record(
        customer=customer,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        summary=first_line,
        body=text,
        actor=by,
    )
