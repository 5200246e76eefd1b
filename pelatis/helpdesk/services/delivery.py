"""Email delivery of a ticket's messages, as the help desk records it: the outbox states of outbound
messages, the automatic emails a ticket gets once (acknowledgement, follow-up) and the files inbound
mail carries.

The channels drive the protocol; every write of it is here. An outbound email is a Message row first
(queued, with the Message-ID it keeps for good), then:

1. :func:`message_claim`, a short transaction of its own: queued (or failed and due) → sending, one more
   attempt, committed before any I/O. One conditional UPDATE: of two senders, exactly one wins.
2. The sender talks to the mail server with no transaction open.
3. :func:`message_mark_sent` or :func:`message_mark_failed`, a second short transaction. A failure is
   recorded only while the claim is still the sender's own (same ``claimed_at``); a success is recorded
   whatever happened meanwhile, since the email has gone.

:func:`messages_requeue_interrupted` queues again what a dead sender left "sending", with the same
Message-ID, so a crash at any point neither loses the email nor sends it under a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from pelatis.core.files import stored_delete
from pelatis.customers.models import ContactPoint

from ..models import Attachment, Message, Ticket

INTERRUPTED = "Interrupted while sending; to be sent again with the same Message-ID."


@dataclass(frozen=True)
class AutoEmail:
    """An automatic email about a ticket as it is queued: what the ticket shows and what it is rendered from."""

    subject: str
    body: str  # the line the ticket's thread shows
    template: str  # rendered when it is sent (channels' email templates)
    context: dict[str, Any]  # JSON, kept on the message so a retry renders the same email


@dataclass(frozen=True)
class StoredFile:
    """A file an inbound message carried; ``rejected`` says why it was not kept ("" when kept);
    ``stored`` is its name in the file storage once :func:`attachment_files_store` has put it there."""

    filename: str
    content_type: str
    size: int
    data: bytes
    rejected: str = ""
    stored: str = ""


def attachment_files_store(files: Iterable[StoredFile]) -> list[StoredFile]:
    """Put the kept files in the file storage, before the message's transaction: no upload to an object
    store happens while rows are locked. The result names each stored file; :func:`message_attach` then only
    records them, and :func:`attachment_files_discard` removes them when the message is not kept."""
    field = Attachment._meta.get_field("file")
    out: list[StoredFile] = []
    try:
        for item in files:
            if item.rejected or item.stored:
                out.append(item)
                continue
            name = field.generate_filename(
                Attachment(), item.filename[:255] or "attachment"
            )  # attachments/%Y/%m/…
            out.append(replace(item, stored=field.storage.save(name, ContentFile(item.data))))
    except BaseException:
        attachment_files_discard(out)  # none of a message's files is left behind without it
        raise
    return out


def attachment_files_discard(files: Iterable[StoredFile]) -> None:
    """Delete what :func:`attachment_files_store` stored for a message that was not kept."""
    stored_delete([item.stored for item in files if item.stored])


def ticket_recipient_email(ticket: Ticket) -> str:
    """Where email about the ticket goes: the address the customer last wrote from, else their primary one."""
    last_in = (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .exclude(from_email="")
        .order_by("-created_at")
        .first()
    )
    if last_in is not None:
        return last_in.from_email
    point = (
        ContactPoint.objects.filter(customer=ticket.customer, kind="email")
        .order_by("-is_primary", "id")
        .first()
    )
    return point.value if point else ""


def ticket_answered(ticket: Ticket) -> bool:
    """Has staff already answered the customer (a first response, or a reply that is not automatic)?"""
    return (
        ticket.first_responded_at is not None
        or ticket.messages.filter(direction=Message.Direction.OUTBOUND, is_auto=False).exists()
    )


def answered_tickets_q() -> Q:
    """``ticket_answered`` as a filter on tickets."""
    return Q(first_responded_at__isnull=False) | Q(
        pk__in=Message.objects.filter(direction=Message.Direction.OUTBOUND, is_auto=False).values("ticket_id")
    )


def _due(now: dt.datetime) -> Q:
    waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (Q(delivery=Message.Delivery.QUEUED) & waiting) | Q(
        delivery=Message.Delivery.FAILED, next_attempt_at__lte=now
    )


def message_claim(*, message_id: int, by: str, now: dt.datetime | None = None) -> Message | None:
    """Take one due outbound message for sending (→ sending, one more attempt), committed before any I/O.

    Must run outside a transaction (it commits its own). None when the message is not due or another
    sender has it. A message without a Message-ID or an address gets them now, once: a retry goes
    under the same Message-ID to where the first try went.
    """
    now = now or timezone.now()
    with transaction.atomic():
        won = Message.objects.filter(_due(now), pk=message_id, direction=Message.Direction.OUTBOUND).update(
            delivery=Message.Delivery.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            claimed_by=by,
            next_attempt_at=None,
        )
        if not won:
            return None
        message = Message.objects.select_related("ticket__customer").get(pk=message_id)
        fill: dict[str, Any] = {}
        if not message.message_id:  # queued before Message-IDs were given at queue time
            fill["message_id"] = message.message_id = Message.new_message_id()
        if not message.to:
            fill["to"] = message.to = [ticket_recipient_email(message.ticket)]
        if fill:
            Message.objects.filter(pk=message.pk).update(**fill)
    return message


def message_mark_sent(*, message_id: int) -> None:
    """Record that the message went out (whoever holds the claim now: the email has gone)."""
    with transaction.atomic():
        Message.objects.filter(pk=message_id).exclude(delivery=Message.Delivery.SENT).update(
            delivery=Message.Delivery.SENT,
            sent_at=timezone.now(),
            delivery_error="",
            claimed_at=None,
            claimed_by="",
            next_attempt_at=None,
        )


def message_mark_failed(*, message: Message, error: str, next_attempt_at: dt.datetime | None) -> int:
    """Record a failed try while the claim is still ``message``'s (None: given up); returns rows changed."""
    with transaction.atomic():
        return Message.objects.filter(
            pk=message.pk, delivery=Message.Delivery.SENDING, claimed_at=message.claimed_at
        ).update(
            delivery=Message.Delivery.FAILED,
            delivery_error=error[:300],
            claimed_at=None,
            claimed_by="",
            next_attempt_at=next_attempt_at,
        )


def messages_requeue_interrupted(
    *,
    stale_before: dt.datetime,
    dead_workers: Iterable[str],
    max_attempts: int,
    message_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Messages left "sending" (claimed before ``stale_before`` or by a dead worker) go back to the queue
    with their Message-ID, or are given up after ``max_attempts`` tries. Returns how many."""
    now = now or timezone.now()
    stale = Q(claimed_at__lt=stale_before)
    dead = list(dead_workers)
    if dead:
        stale |= Q(claimed_by__in=dead)
    interrupted = Message.objects.filter(stale, delivery=Message.Delivery.SENDING)
    if message_id is not None:
        interrupted = interrupted.filter(pk=message_id)
    given_up = interrupted.filter(attempts__gte=max_attempts).update(
        delivery=Message.Delivery.FAILED,
        next_attempt_at=None,
        claimed_at=None,
        claimed_by="",
        delivery_error=INTERRUPTED[:300],
    )
    again = interrupted.update(
        delivery=Message.Delivery.QUEUED,
        next_attempt_at=now,
        claimed_at=None,
        claimed_by="",
        delivery_error=INTERRUPTED[:300],
    )
    return given_up + again


def _auto_queue(ticket: Ticket, compose: Callable[[Ticket], AutoEmail], *, stamp: str) -> Message | None:
    """Queue the automatic email ``compose`` writes, to the ticket's address, and set the ticket's ``stamp``
    field to now (it is sent once); None, and nothing written, when the ticket has no address."""
    to = ticket_recipient_email(ticket)
    if not to:
        return None
    email = compose(ticket)
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        subject=email.subject,
        body_text=email.body,
        is_auto=True,
        delivery=Message.Delivery.QUEUED,
        to=[to],
        email_template=email.template,
        email_context=email.context,
    )
    Ticket.objects.filter(pk=ticket.pk).update(**{stamp: timezone.now()})
    return message


@transaction.atomic
def ticket_acknowledgement_queue(*, ticket_id: int, compose: Callable[[Ticket], AutoEmail]) -> Message | None:
    """Queue the ticket's one acknowledgement, composed under the ticket's lock; None when there is none to send.

    None when the ticket was acknowledged already, has no address, or staff answered already: "we
    received your message" after an answer would only confuse, so the answer counts as the
    acknowledgement and the ticket is marked acknowledged.
    """
    ticket = (
        Ticket.objects.select_for_update()
        .select_related("customer")
        .filter(pk=ticket_id, acknowledged_at__isnull=True)
        .first()
    )
    if ticket is None:
        return None
    if ticket_answered(ticket):
        Ticket.objects.filter(pk=ticket.pk).update(acknowledged_at=timezone.now())
        return None
    return _auto_queue(ticket, compose, stamp="acknowledged_at")


def tickets_mark_acknowledged(*, ticket_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mark tickets acknowledged (staff answered them before an acknowledgement went); returns how many."""
    return Ticket.objects.filter(pk__in=list(ticket_ids), acknowledged_at__isnull=True).update(
        acknowledged_at=now or timezone.now()
    )


@transaction.atomic
def ticket_follow_up_queue(*, ticket_id: int, compose: Callable[[Ticket], AutoEmail]) -> Message | None:
    """Queue the one "did this solve it?" of a resolved ticket, composed under its lock; None when not due."""
    ticket = (
        Ticket.objects.select_for_update()
        .select_related("customer")
        .filter(pk=ticket_id, status=Ticket.Status.RESOLVED, follow_up_sent_at__isnull=True)
        .first()
    )
    return None if ticket is None else _auto_queue(ticket, compose, stamp="follow_up_sent_at")


@transaction.atomic
def message_attach(*, message: Message, files: Iterable[StoredFile]) -> list[Attachment]:
    """Store the files an inbound message carried; a rejected one is listed with its reason, without content."""
    stored = []
    for item in files:
        attachment = Attachment(
            message=message,
            filename=item.filename[:255] or "attachment",
            content_type=item.content_type[:100],
            size=item.size,
            rejected=item.rejected,
        )
        if item.stored:  # stored before this transaction
            attachment.file.name = item.stored
        elif not item.rejected:
            attachment.file.save(attachment.filename, ContentFile(item.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
