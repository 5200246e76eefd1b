"""Whether the person behind a ticket proved that the address it names is theirs.

Mail from the mailbox and tickets staff log are verified when they are opened
(``ticket_open``). A web-form request names an address anyone could type, so
it waits for the address to prove itself: the request's link, sent only to
that address, confirmed with a POST; or a later message from that mailbox.
Until then nothing of the customer's conversation is released on the web,
and mail is not joined to the request by its subject.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pelatis.helpdesk.models import Message, Ticket, TicketEvent

#: How an address proved itself, as recorded on the ticket's history.
VERIFIED_BY_LINK = "link"
VERIFIED_BY_MAIL = "mail"


@transaction.atomic
def ticket_requester_verify(*, ticket_id: int, how: str) -> bool:
    """Record that the requester proved the address (``link`` or ``mail``); True when this changed anything."""
    now = timezone.now()
    changed = Ticket.objects.filter(pk=ticket_id, requester_verified_at__isnull=True).update(
        requester_verified_at=now, updated_at=now
    )
    if changed:
        TicketEvent.objects.create(ticket_id=ticket_id, kind="verified", new=how, at=now)
    return bool(changed)


def ticket_requester_email(ticket: Ticket) -> str:
    """The address the request was made from: its first customer message's sender."""
    return (
        Message.objects.filter(ticket=ticket, direction=Message.Direction.INBOUND)
        .exclude(from_email="")
        .order_by("created_at", "id")
        .values_list("from_email", flat=True)
        .first()
    ) or ""


def message_mark_typed_on_web(*, message_id: int) -> None:
    """The customer typed this message on the web form or the request page (not in their mailbox)."""
    Message.objects.filter(pk=message_id).update(via="web")
