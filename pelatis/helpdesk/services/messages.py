"""A ticket's messages: the customer's (inbound), our replies (sent by email after commit) and internal notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.core.hooks import contributions
from pelatis.customers.services import timeline_text

from ..models import Message, Ticket
from ..search import search_index
from . import replies, sla
from .history import event_record, timeline_record
from .lifecycle import CLOSED, PAUSING, stage_apply, status_apply


@dataclass
class InboundMail:
    """What an inbound message carries, channel-independent."""

    body_text: str
    subject: str = ""
    body_html: str = ""
    visible_text: str = ""
    from_email: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    message_id: str | None = None
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    language: str = ""
    is_auto: bool = False
    received_at: dt.datetime | None = None


def message_max_chars() -> int:
    """The longest reply or note an agent may write (``PELATIS_MESSAGE_MAX_CHARS``, default 50,000)."""
    return int(getattr(settings, "PELATIS_MESSAGE_MAX_CHARS", 50_000))


def message_length_check(text: str, field: str = "body") -> None:
    """Refuses (ValidationError naming ``field``) a reply, note or staff-logged request over the limit."""
    limit = message_max_chars()
    if len(text) > limit:
        raise ValidationError(
            {
                field: [
                    _("At most %(max)s characters (this text has %(n)s).")
                    % {
                        "max": number_format(limit, force_grouping=True),
                        "n": number_format(len(text), force_grouping=True),
                    }
                ]
            }
        )


def message_in(ticket: Ticket, mail: InboundMail, at: dt.datetime) -> Message:
    """Store the customer's message on the ticket (the caller keeps the ticket's clocks)."""
    return Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        from_email=mail.from_email,
        to=mail.to,
        cc=mail.cc,
        subject=mail.subject[:250],
        body_text=mail.body_text,
        body_html=mail.body_html,
        visible_text=mail.visible_text or mail.body_text,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        language=mail.language,
        is_auto=mail.is_auto,
        created_at=at,
    )


def message_send_on_commit(message: Message) -> None:
    """After commit, hand a queued outbound message to every registered sender (channels' email)."""
    transaction.on_commit(lambda: [send(message.pk) for send in contributions("TICKET_OUTBOUND_SENDERS")])


@transaction.atomic
def message_receive(*, ticket: Ticket, mail: InboundMail, by: User | None = None) -> Message:
    """A customer's follow-up on a ticket: reopens a resolved one, resumes a paused clock."""
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    at = mail.received_at or timezone.now()
    message = message_in(locked, mail, at)
    search_index(ticket_ids=[locked.pk])
    if mail.is_auto:
        return message  # an out-of-office does not reopen or restart anything
    if locked.status in CLOSED:
        locked.reopened_count += 1
        status_apply(locked, Ticket.Status.OPEN, by=by, at=at, note=_("reopened by the customer's reply"))
    elif locked.status in PAUSING:
        status_apply(locked, Ticket.Status.OPEN, by=by, at=at)
    if locked.awaiting_reply_since is None:
        locked.awaiting_reply_since = at
        sla.sla_next_response(ticket=locked, since=at)
    locked.save()
    timeline_record(
        locked,
        channel=locked.channel,
        direction="in",
        at=at,
        by=by,
        body=message.visible_text,
        summary=timeline_text(gettext_noop("Reply on ticket #%(id)s"), id=locked.pk),
    )
    return message


@transaction.atomic
def reply_send(
    *,
    ticket: Ticket,
    body_text: str,
    by: User,
    body_html: str = "",
    status: str | None = None,
    send_email: bool = True,
    sign: bool = True,
) -> Message:
    """An agent's answer to the customer; goes out by email after commit when the ticket came by email.

    The reply is signed with the agent's name and title, or the agent's own signature (``sign=False``
    for a text that already carries one). An unassigned ticket becomes the replying agent's.
    """
    text = (body_text or "").strip()
    if not text:
        raise ValidationError({"body": [_("The reply is empty.")]})
    message_length_check(text)
    if sign:
        text = replies.signed(text, by)
        message_length_check(text)
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if locked.merged_into_id:
        raise ValidationError(
            {"ticket": [_("This ticket was merged into #%(id)s.") % {"id": locked.merged_into_id}]}
        )
    now = timezone.now()
    if locked.assignee_id is None and by is not None and by.is_authenticated:
        locked.assignee = by
        event_record(locked, "assigned", new=str(by.pk), note=_("on replying"), by=by, at=now)
    email = send_email and locked.channel in ("email", "web")
    message = Message.objects.create(
        ticket=locked,
        direction=Message.Direction.OUTBOUND,
        author=by,
        body_text=text,
        body_html=body_html,
        visible_text=text,
        subject=locked.subject,
        created_at=now,
        delivery=Message.Delivery.QUEUED if email else Message.Delivery.NONE,
    )
    locked.agent_replies += 1
    if locked.first_responded_at is None:
        locked.first_responded_at = now
        locked.first_response_minutes = sla.business_minutes(locked, now)
    locked.awaiting_reply_since = None
    sla.sla_answered(ticket=locked, at=now)
    if locked.type == Ticket.Type.COMPLAINT and locked.stage == Ticket.Stage.RECEIVED:
        stage_apply(locked, Ticket.Stage.ACKNOWLEDGED, by=by, at=now)
    new_status = status or (
        Ticket.Status.PENDING if locked.status in (Ticket.Status.NEW, Ticket.Status.OPEN) else locked.status
    )
    if new_status != locked.status:
        status_apply(locked, new_status, by=by, at=now)
    elif locked.status == Ticket.Status.NEW:
        status_apply(locked, Ticket.Status.OPEN, by=by, at=now)
    locked.save()
    timeline_record(
        locked,
        channel=locked.channel,
        direction="out",
        at=now,
        by=by,
        body=text,
        summary=timeline_text(gettext_noop("Answer on ticket #%(id)s"), id=locked.pk),
    )
    if email:
        message_send_on_commit(message)
    return message


@transaction.atomic
def note_add(*, ticket: Ticket, body_text: str, by: User) -> Message:
    """An internal note: never sent, never stops a clock."""
    text = (body_text or "").strip()
    if not text:
        raise ValidationError({"body": [_("The note is empty.")]})
    message_length_check(text)
    return Message.objects.create(
        ticket=ticket, direction=Message.Direction.NOTE, author=by, body_text=text, visible_text=text
    )
