"""Ticket life: open, inbound and outbound messages, notes, status, stages, assignment, merge.

Every public service is one transaction, writes the ticket's history and the
customer's timeline, and keeps the SLA clocks in step (services.sla).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.core.hooks import contributions
from pelatis.customers.models import Customer, Interaction
from pelatis.customers.services import interaction_record, tags_named, timeline_text

from ..models import Message, SlaPause, Team, Ticket, TicketEvent
from ..search import search_index
from . import replies, routing, sla

User = AbstractBaseUser

# The clock stops while we wait on the customer or on a third party.
PAUSING = {Ticket.Status.PENDING, Ticket.Status.ON_HOLD}
CLOSED = {Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
STAGE_ORDER = [s.value for s in Ticket.Stage]

# Called after commit with the id of each outbound message that must go out
# by email; channels registers its sender here (helpdesk cannot import channels).


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


def _event(
    ticket: Ticket,
    kind: str,
    *,
    old: str = "",
    new: str = "",
    note: str = "",
    by: User | None = None,
    at: dt.datetime | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        old=old,
        new=new,
        note=note[:300],
        by=by if by is not None and by.is_authenticated else None,
        at=at or timezone.now(),
    )


def _timeline(
    ticket: Ticket,
    *,
    channel: str,
    direction: str,
    summary: str,
    at: dt.datetime,
    by: User | None = None,
    body: str = "",
) -> None:
    interaction_record(
        customer=ticket.customer,
        channel=channel if channel in Interaction.Channel.values else "email",
        direction=direction,
        summary=summary,
        body=body[:2000],
        occurred_at=at,
        actor=by,
        source_type="helpdesk.ticket",
        source_id=str(ticket.pk),
    )


@transaction.atomic
def ticket_open(
    *,
    customer: Customer,
    subject: str,
    mail: InboundMail,
    channel: str = "email",
    type: str = Ticket.Type.QUESTION,
    priority: str = Ticket.Priority.NORMAL,
    language: str = "",
    by: User | None = None,
) -> tuple[Ticket, Message]:
    """A new request from a customer: the ticket, its first message, the SLA clock and the timeline entry."""
    subject = " ".join((subject or "").split())[:250] or _("(no subject)")
    if type not in Ticket.Type.values:
        raise ValidationError({"type": [_("Unknown ticket type “%(value)s”.") % {"value": type}]})
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority “%(value)s”.") % {"value": priority}]})
    if not (mail.body_text or mail.body_html).strip():
        raise ValidationError({"body": [_("The message is empty.")]})
    at = mail.received_at or timezone.now()
    ticket = Ticket.objects.create(
        subject=subject,
        customer=customer,
        type=type,
        priority=priority,
        channel=channel,
        language=language or mail.language or customer.language or "el",
        created_at=at,
        stage=Ticket.Stage.RECEIVED if type == Ticket.Type.COMPLAINT else "",
        awaiting_reply_since=at,
        # Anyone can type any address into the web form: that requester is unverified until the
        # address proves itself. Mail from the mailbox and tickets staff log are taken as they come.
        requester_verified_at=None if channel == "web" else at,
    )
    message = _message_in(ticket, mail, at)
    _event(ticket, "opened", new=ticket.status, note=channel, by=by, at=at)
    if ticket.stage:
        _event(ticket, "stage", new=ticket.stage, by=by, at=at)
    sla.sla_start(ticket=ticket)
    routing.ticket_route(ticket=ticket)
    search_index(ticket_ids=[ticket.pk])
    _timeline(
        ticket,
        channel=channel,
        direction="in",
        summary=timeline_text(gettext_noop("Ticket #%(id)s: %(subject)s"), id=ticket.pk, subject=subject),
        at=at,
        by=by,
        body=mail.visible_text or mail.body_text,
    )
    return ticket, message


def _message_in(ticket: Ticket, mail: InboundMail, at: dt.datetime) -> Message:
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


@transaction.atomic
def message_receive(*, ticket: Ticket, mail: InboundMail, by: User | None = None) -> Message:
    """A customer's follow-up on a ticket: reopens a resolved one, resumes a paused clock."""
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    at = mail.received_at or timezone.now()
    message = _message_in(locked, mail, at)
    search_index(ticket_ids=[locked.pk])
    if mail.is_auto:
        return message  # an out-of-office does not reopen or restart anything
    if locked.status in CLOSED:
        locked.reopened_count += 1
        _set_status(locked, Ticket.Status.OPEN, by=by, at=at, note=_("reopened by the customer's reply"))
    elif locked.status in PAUSING:
        _set_status(locked, Ticket.Status.OPEN, by=by, at=at)
    if locked.awaiting_reply_since is None:
        locked.awaiting_reply_since = at
        sla.sla_next_response(ticket=locked, since=at)
    locked.save()
    _timeline(
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
        locked.assignee = by  # type: ignore[assignment]
        _event(locked, "assigned", new=str(by.pk), note=_("on replying"), by=by, at=now)
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
        _set_stage(locked, Ticket.Stage.ACKNOWLEDGED, by=by, at=now)
    new_status = status or (
        Ticket.Status.PENDING if locked.status in (Ticket.Status.NEW, Ticket.Status.OPEN) else locked.status
    )
    if new_status != locked.status:
        _set_status(locked, new_status, by=by, at=now)
    elif locked.status == Ticket.Status.NEW:
        _set_status(locked, Ticket.Status.OPEN, by=by, at=now)
    locked.save()
    _timeline(
        locked,
        channel=locked.channel,
        direction="out",
        at=now,
        by=by,
        body=text,
        summary=timeline_text(gettext_noop("Answer on ticket #%(id)s"), id=locked.pk),
    )
    if email:
        transaction.on_commit(lambda: [send(message.pk) for send in contributions("TICKET_OUTBOUND_SENDERS")])
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


def _set_status(ticket: Ticket, status: str, *, by: User | None, at: dt.datetime, note: str = "") -> None:
    """Change status on a locked ticket (caller saves): pauses, resolution and follow-up bookkeeping."""
    old = ticket.status
    if old == status:
        return
    was_paused, paused = old in PAUSING, status in PAUSING
    if was_paused and not paused:
        SlaPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    if paused and not was_paused:
        SlaPause.objects.create(ticket=ticket, started_at=at, reason=status)
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = at
        ticket.resolution_minutes = sla.business_minutes(ticket, at)
        ticket.follow_up_due = at + sla.FOLLOW_UP_AFTER
        if ticket.type == Ticket.Type.COMPLAINT and ticket.stage not in (
            "",
            Ticket.Stage.RESOLVED,
            Ticket.Stage.CONFIRMED,
        ):
            _set_stage(ticket, Ticket.Stage.RESOLVED, by=by, at=at)
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = at
        if ticket.resolved_at is None:
            ticket.resolved_at = at
            ticket.resolution_minutes = sla.business_minutes(ticket, at)
    elif old in CLOSED:
        ticket.resolved_at = None
        ticket.resolution_minutes = None
        ticket.closed_at = None
        ticket.follow_up_due = None
    ticket.status = status
    _event(ticket, "status", old=old, new=status, note=note, by=by, at=at)
    sla.sla_refresh(ticket=ticket, now=at)


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, by: User | None = None) -> Ticket:
    """Move a ticket to a status (pending and on-hold stop the SLA clock)."""
    if status not in Ticket.Status.values:
        raise ValidationError({"status": [_("Unknown status “%(value)s”.") % {"value": status}]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.merged_into_id:
        raise ValidationError(
            {"status": [_("This ticket was merged into #%(id)s.") % {"id": locked.merged_into_id}]}
        )
    if status == Ticket.Status.NEW and locked.status != Ticket.Status.NEW:
        raise ValidationError({"status": [_("A ticket cannot go back to new.")]})
    _set_status(locked, status, by=by, at=timezone.now())
    locked.save()
    return locked


def _set_stage(ticket: Ticket, stage: str, *, by: User | None, at: dt.datetime, note: str = "") -> None:
    old = ticket.stage
    ticket.stage = stage
    _event(ticket, "stage", old=old, new=stage, by=by, at=at, note=note)


@transaction.atomic
def ticket_set_stage(*, ticket: Ticket, stage: str, by: User | None = None, note: str = "") -> Ticket:
    """Move a complaint along received → acknowledged → investigating → proposed → resolved → confirmed."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.type != Ticket.Type.COMPLAINT:
        raise ValidationError({"stage": [_("Only complaints have resolution stages.")]})
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": [_("Unknown stage “%(value)s”.") % {"value": stage}]})
    if locked.stage and STAGE_ORDER.index(stage) < STAGE_ORDER.index(locked.stage):
        raise ValidationError(
            {
                "stage": [
                    _("A complaint moves forward: it is already “%(stage)s”.")
                    % {"stage": locked.get_stage_display()}
                ]
            }
        )
    now = timezone.now()
    _set_stage(locked, stage, by=by, at=now, note=note)
    if stage == Ticket.Stage.RESOLVED and locked.status not in CLOSED:
        _set_status(locked, Ticket.Status.RESOLVED, by=by, at=now)
    locked.save()
    return locked


KEEP = object()  # ticket_assign(team_id=KEEP): leave the team as it is


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, agent: User | None, team_id: int | None | object = KEEP, by: User | None = None
) -> Ticket:
    """Give the ticket to an agent (None: unassign) and, unless team_id is KEEP, to a team (None: no team)."""
    if team_id is not KEEP and team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationError({"team_id": [_("No team with id %(id)s.") % {"id": team_id}]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    old = str(locked.assignee_id or "")
    locked.assignee = agent  # type: ignore[assignment]
    if team_id is not KEEP:
        locked.team_id = team_id  # type: ignore[assignment]
    locked.save(update_fields=["assignee", "team", "updated_at"])
    _event(locked, "assigned", old=old, new=str(agent.pk if agent else ""), by=by)
    return locked


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: str, by: User | None = None) -> Ticket:
    """Change the priority; the SLA policy is chosen again and keeps the business time already used."""
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority “%(value)s”.") % {"value": priority}]})
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if locked.priority == priority:
        return locked
    old, locked.priority = locked.priority, priority
    locked.save(update_fields=["priority", "updated_at"])
    _event(locked, "priority", old=old, new=priority, by=by)
    sla.sla_set_policy(ticket=locked, policy=sla.policy_for(locked))
    return locked


def merge_customers_differ_message(*, survivor: Ticket, merged: Ticket) -> str:
    """What a user is told before merging tickets of two different customers (for the screen, never the log)."""
    return _(
        "Ticket #%(merged)s belongs to %(merged_customer)s and ticket #%(survivor)s to %(survivor_customer)s. "
        "Merge them only if they are the same request, and confirm it explicitly."
    ) % {
        "merged": merged.pk,
        "merged_customer": merged.customer.display_name,
        "survivor": survivor.pk,
        "survivor_customer": survivor.customer.display_name,
    }


@transaction.atomic
def ticket_merge(
    *, survivor: Ticket, merged: Ticket, by: User | None = None, confirm_other_customer: bool = False
) -> Ticket:
    """Fold ``merged`` into ``survivor``: messages and history move; the merged ticket points at the survivor.

    Tickets of different customers merge only with ``confirm_other_customer``: one customer's conversation
    would otherwise land in front of the other. Moved messages keep the ticket they were written on
    (``origin_ticket``), so the survivor's public page can leave out what was another customer's.
    """
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": [_("A ticket cannot be merged into itself.")]})
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .select_related("customer")
        .filter(pk__in=sorted([survivor.pk, merged.pk]))
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError({"merged": [_("One of these tickets was already merged.")]})
    if survivor.customer_id != merged.customer_id and not confirm_other_customer:
        raise ValidationError(
            {"confirm_other_customer": [merge_customers_differ_message(survivor=survivor, merged=merged)]}
        )
    now = timezone.now()
    Message.objects.filter(ticket=merged, origin_ticket__isnull=True).update(origin_ticket=merged)
    Message.objects.filter(ticket=merged).update(ticket=survivor)
    TicketEvent.objects.filter(ticket=merged).update(ticket=survivor)
    survivor.tags.add(*merged.tags.all())
    survivor.orders.add(*merged.orders.all())
    merged.merged_into = survivor
    _set_status(
        merged, Ticket.Status.CLOSED, by=by, at=now, note=_("merged into #%(id)s") % {"id": survivor.pk}
    )
    merged.save()
    note = _("different customers, confirmed") if survivor.customer_id != merged.customer_id else ""
    _event(survivor, "merged", old=str(merged.pk), new=str(survivor.pk), by=by, at=now, note=note)
    survivor.save()
    search_index(ticket_ids=[survivor.pk, merged.pk])
    return survivor


def tickets_move_to_customer(survivor: Customer, merged: Customer) -> dict[str, int]:
    """Customer-merge participant: the merged customer's tickets now belong to the survivor."""
    ids = list(Ticket.objects.filter(customer=merged).values_list("pk", flat=True))
    moved = Ticket.objects.filter(pk__in=ids).update(customer=survivor)
    search_index(ticket_ids=ids)  # found by the survivor's name from now on
    return {"tickets": moved}


@transaction.atomic
def message_split(*, message: Message, by: User | None = None) -> Ticket:
    """Move one inbound message (a second question in the same mail thread) into a new ticket of its own."""
    if message.direction != Message.Direction.INBOUND:
        raise ValidationError({"message": [_("Only a customer's message can start a new ticket.")]})
    source = Ticket.objects.select_for_update().select_related("customer").get(pk=message.ticket_id)
    if source.messages.count() < 2:
        raise ValidationError({"message": [_("This is the ticket's only message.")]})
    now = timezone.now()
    ticket = Ticket.objects.create(
        subject=(message.subject or source.subject)[:250],
        customer=source.customer,
        type=source.type,
        priority=source.priority,
        channel=source.channel,
        language=message.language or source.language,
        created_at=now,
        awaiting_reply_since=now,
        team=source.team,
    )
    Message.objects.filter(pk=message.pk).update(ticket=ticket)
    _event(ticket, "split", old=str(source.pk), new=str(ticket.pk), by=by, at=now)
    _event(source, "split", old=str(source.pk), new=str(ticket.pk), by=by, at=now)
    sla.sla_start(ticket=ticket)
    search_index(ticket_ids=[source.pk, ticket.pk])
    _timeline(
        ticket,
        channel=ticket.channel,
        direction="in",
        at=now,
        by=by,
        body=message.visible_text,
        summary=timeline_text(
            gettext_noop("Ticket #%(id)s: %(subject)s"), id=ticket.pk, subject=ticket.subject
        ),
    )
    return ticket


@transaction.atomic
def ticket_link_orders(*, ticket: Ticket, order_ids: list[int], by: User | None = None) -> Ticket:
    """Link the customer's orders to the ticket (an order of another customer is refused)."""
    from pelatis.customers.models import Order

    orders = list(Order.objects.filter(pk__in=order_ids))
    foreign = [o.reference for o in orders if o.customer_id != ticket.customer_id]
    missing = set(order_ids) - {o.pk for o in orders}
    if foreign or missing:
        raise ValidationError(
            {
                "order_ids": [
                    _("Not orders of this customer: %(refs)s")
                    % {"refs": ", ".join(foreign + [str(m) for m in sorted(missing)])}
                ]
            }
        )
    ticket.orders.add(*orders)
    _event(ticket, "orders", new=", ".join(o.reference for o in orders)[:60], by=by)
    return ticket


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, names: list[str], by: User | None = None) -> Ticket:
    """Replace the ticket's tags (created as needed, shared with customer tags)."""
    tags = tags_named(names)
    ticket.tags.set(tags)
    _event(ticket, "tags", new=", ".join(t.name for t in tags)[:60], by=by)
    return ticket
