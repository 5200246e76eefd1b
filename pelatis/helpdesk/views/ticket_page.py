"""The ticket page: conversation, properties, history, the customer beside it; attachments to download."""

from __future__ import annotations

from typing import Any, cast

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from pelatis.core.hooks import contributions
from pelatis.core.http import is_htmx
from pelatis.customers.models import Order
from pelatis.customers.queries import Customer360, customer_360

from .. import queries
from ..forms import (
    AssignForm,
    LinkOrdersForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StageForm,
    StatusForm,
)
from ..models import Attachment, CannedReply, Message, Ticket
from ..services.lifecycle import STAGE_ORDER
from .history import history_items, stage_steps


def lf(text: str) -> str:
    """Browsers submit textarea line breaks as CRLF; the textarea itself (and JS offsets) use LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def stage_form(ticket: Ticket, data: Any = None) -> StageForm | None:
    """The complaint's next stages to choose from; None once it is confirmed (or not a complaint)."""
    if ticket.type != Ticket.Type.COMPLAINT or ticket.stage == STAGE_ORDER[-1]:
        return None
    current = STAGE_ORDER.index(ticket.stage) if ticket.stage in STAGE_ORDER else -1
    form = StageForm(data, initial={"stage": STAGE_ORDER[current + 1]})
    cast(django_forms.ChoiceField, form.fields["stage"]).choices = [
        (v, label) for v, label in Ticket.Stage.choices if STAGE_ORDER.index(v) > current
    ]
    return form


def canned_choices(ticket: Ticket) -> list[tuple[str, list[CannedReply]]]:
    """Active canned replies this ticket's team may use, grouped by language (the ticket's first)."""
    replies_qs = CannedReply.objects.filter(active=True).filter(
        Q(team__isnull=True) | Q(team_id=ticket.team_id)
    )
    groups: dict[str, list[CannedReply]] = {}
    for reply in replies_qs:
        groups.setdefault(reply.language, []).append(reply)
    lang = (ticket.language or "el")[:2]
    return sorted(groups.items(), key=lambda kv: (kv[0] != lang, kv[0]))


def orders_form(ticket: Ticket, data: Any = None, linked: list[Order] | None = None) -> LinkOrdersForm:
    """The customer's latest orders not yet linked to this ticket, to tick."""
    linked_ids = {o.pk for o in (linked if linked is not None else ticket.orders.all())}
    orders = (
        Order.objects.filter(customer_id=ticket.customer_id)
        .exclude(pk__in=linked_ids)
        .order_by("-placed_at")[:20]
    )
    choices = [(o.pk, f"{o.reference} · {date_format(o.placed_at, 'j M Y')}") for o in orders]
    return LinkOrdersForm(data, order_choices=choices)


def _recipient(page: queries.TicketPage, c360: Customer360 | None) -> str:
    for message in reversed(page.messages):
        if message.direction == Message.Direction.INBOUND and message.from_email:
            return message.from_email
    return c360.emails[0].value if c360 is not None and c360.emails else ""


def _forms(ticket: Ticket, linked: list[Order]) -> dict[str, Any]:
    """The page's forms for a user who may work on the ticket."""
    forms: dict[str, Any] = {
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "canned": canned_choices(ticket),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "orders_form": orders_form(ticket, linked=linked),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id, "team": ticket.team_id}),
        "stage_form": stage_form(ticket),
        "merge_form": MergeForm(),
    }
    if ticket.status != Ticket.Status.NEW:
        forms["status_form"].fields["status"].choices = [
            c for c in Ticket.Status.choices if c[0] != Ticket.Status.NEW
        ]
    return forms


def ticket_context(request: HttpRequest, ticket: Ticket, **overrides: Any) -> dict[str, Any]:
    """Everything the ticket page shows; ``overrides`` put a bound form (with its errors) in its place."""
    page = queries.ticket_page(ticket)
    can_write = request.user.has_perm("helpdesk.change_ticket") and not ticket.merged_into_id
    c360 = (
        customer_360(ticket.customer, timeline_limit=5)
        if request.user.has_perm("customers.view_customer")
        else None
    )
    body = overrides.pop("body", None)
    ctx: dict[str, Any] = {
        "t": ticket,
        "page": page,
        "c360": c360,
        "can_write": can_write,
        "history": history_items(page.events),
        "stages": stage_steps(ticket, page.events),
        "other_tickets": list(
            Ticket.objects.filter(customer_id=ticket.customer_id, merged_into__isnull=True)
            .exclude(pk=ticket.pk)
            .order_by("-created_at")[:5]
        ),
        "recipient": _recipient(page, c360),
        "emails_out": ticket.channel in ("email", "web"),
        "tab": "reply",
        "currency": settings.PELATIS_DEFAULT_CURRENCY,
        "linked_orders": list(ticket.orders.order_by("-placed_at")),
        # A customer's message can move to a ticket of its own while the ticket keeps another message.
        "can_split": can_write and len(page.messages) > 1,
        # TICKET_PANELS: cards of higher apps beside the ticket, ``(request, ticket) -> html`` or "".
        "side_panels": [html for panel in contributions("TICKET_PANELS") if (html := panel(request, ticket))],
    }
    if can_write:
        ctx.update(_forms(ticket, ctx["linked_orders"]))
    ctx.update(overrides)
    if can_write and body is None:
        reply_form = ctx["reply_form"]
        body = reply_form.data.get("body", "") if reply_form.is_bound else ""
    ctx["body"] = lf(body or "")
    return ctx


@require_GET
@login_required
def ticket_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk)
    return render(request, "helpdesk/ticket.html", ticket_context(request, ticket))


def to_ticket(request: HttpRequest, ticket: Ticket, anchor: str = "") -> HttpResponse:
    """Back to the ticket page (a full load, so header, history and SLA agree), where messages show on top."""
    url = reverse("helpdesk:ticket", args=[ticket.pk])
    if is_htmx(request):
        response = HttpResponse(status=200)
        # A URL differing from the current one only by its #fragment would just scroll, not reload:
        # the query makes it a new page load that then scrolls to the new message.
        response["HX-Redirect"] = f"{url}?at={anchor}#{anchor}" if anchor else url
        return response
    return redirect(f"{url}#{anchor}" if anchor else url)


def done(request: HttpRequest, ticket: Ticket, message: str, anchor: str = "") -> HttpResponse:
    """After a successful action: say so, back to the ticket page."""
    messages.success(request, message)
    return to_ticket(request, ticket, anchor)


def invalid(request: HttpRequest, ticket: Ticket, partial: str, **forms: Any) -> HttpResponse:
    """422: the form's card again (htmx) or the whole page (no JS), with the messages next to the fields."""
    ctx = ticket_context(request, ticket, **forms)
    return render(request, partial if is_htmx(request) else "helpdesk/ticket.html", ctx, status=422)


@require_GET
@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment of a ticket the user may see; never shown inline."""
    att = Attachment.objects.select_related("message").filter(pk=pk).first()
    if att is None:
        raise Http404
    queries.ticket_for(request.user, att.message.ticket_id)
    if att.rejected or not att.file:
        raise Http404
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.filename,
        content_type=att.content_type or "application/octet-stream",
    )
    # Whatever the sender claimed the file is, it must not run as a page of ours.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
