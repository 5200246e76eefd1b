"""Tickets that turn out to be one request (merge), one ticket that holds two (split), and tickets that follow
their customer into a customer merge."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis.core.audit import Action, audit_record
from pelatis.customers.models import Customer

from ..models import Message, Ticket, TicketEvent
from ..search import search_index
from . import sla
from .history import event_record, timeline_opened
from .lifecycle import status_apply


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
    status_apply(
        merged, Ticket.Status.CLOSED, by=by, at=now, note=_("merged into #%(id)s") % {"id": survivor.pk}
    )
    merged.save()
    note = _("different customers, confirmed") if survivor.customer_id != merged.customer_id else ""
    if survivor.customer_id != merged.customer_id:
        # The merged ticket's messages now stand under another customer: its requester changed.
        audit_record(
            Action.CHANGE,
            actor=by if by is not None and by.is_authenticated else None,
            customer_id=merged.customer_id,
            fields={"requester": (merged.customer_id, survivor.customer_id)},
            detail=f"ticket #{merged.pk} merged into #{survivor.pk}",
        )
    event_record(survivor, "merged", old=str(merged.pk), new=str(survivor.pk), by=by, at=now, note=note)
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
    event_record(ticket, "split", old=str(source.pk), new=str(ticket.pk), by=by, at=now)
    event_record(source, "split", old=str(source.pk), new=str(ticket.pk), by=by, at=now)
    sla.sla_start(ticket=ticket)
    search_index(ticket_ids=[source.pk, ticket.pk])
    timeline_opened(ticket, direction="in", at=now, by=by, body=message.visible_text)
    return ticket
