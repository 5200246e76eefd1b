"""What an agent does on the ticket page: reply, note, status, priority, assignment, stage, orders, split."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import queries
from ..forms import AssignForm, NoteForm, PriorityForm, ReplyForm, SplitForm, StageForm, StatusForm
from ..models import Message, Ticket
from ..services.lifecycle import ticket_set_stage, ticket_set_status
from ..services.merge import message_split
from ..services.messages import note_add, reply_send
from ..services.tickets import ticket_assign, ticket_link_orders, ticket_set_priority
from .ticket_page import done, invalid, lf, orders_form, stage_form, to_ticket


class ServiceForm(Protocol):
    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...

    def add_service_errors(self, error: ValidationError) -> None: ...


def submit(
    request: HttpRequest,
    ticket: Ticket,
    form: ServiceForm,
    act: Callable[[dict[str, Any]], HttpResponse],
    partial: str,
    **context: Any,
) -> HttpResponse:
    """Run ``act`` on a valid form's data; a form or service error is a 422 with the page's ``partial``."""
    if form.is_valid():
        try:
            return act(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
    return invalid(request, ticket, partial, **context)


def _delivery_said(message: Message) -> str:
    """What really happened to a reply: with the worker the email is only queued when this page answers."""
    message.refresh_from_db(fields=["delivery", "delivery_error"])
    outbox = settings.EMAIL_BACKEND == "pelatis.channels.outbox.OutboxBackend"
    said: dict[str, str] = {
        Message.Delivery.NONE: _("Reply recorded."),
        Message.Delivery.SENT: _("Reply put in the outbox — no mail server configured.")
        if outbox
        else _("Reply sent by email."),
        Message.Delivery.FAILED: _("Reply saved, but the email was not sent yet: %(error)s")
        % {"error": message.delivery_error},
    }
    return said.get(message.delivery, _("Reply saved and queued: it goes out by email in a moment."))


@require_POST
@login_required
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = ReplyForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        message = reply_send(ticket=ticket, body_text=lf(data["body"]), by=user, status=data["status"])
        return done(request, ticket, _delivery_said(message), anchor=f"m{message.pk}")

    return submit(request, ticket, form, act, "helpdesk/_composer.html", reply_form=form, tab="reply")


@require_POST
@login_required
def note_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = NoteForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        note = note_add(ticket=ticket, body_text=lf(data["body"]), by=user)
        return done(request, ticket, _("Note added."), anchor=f"m{note.pk}")

    return submit(request, ticket, form, act, "helpdesk/_composer.html", note_form=form, tab="note")


@require_POST
@login_required
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = StatusForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        ticket_set_status(ticket=ticket, status=data["status"], by=user)
        return done(request, ticket, _("Status changed."))

    return submit(request, ticket, form, act, "helpdesk/_properties.html", status_form=form)


@require_POST
@login_required
def priority_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = PriorityForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        ticket_set_priority(ticket=ticket, priority=data["priority"], by=user)
        return done(request, ticket, _("Priority changed."))

    return submit(request, ticket, form, act, "helpdesk/_properties.html", priority_form=form)


@require_POST
@login_required
def orders_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Link some of the customer's orders to the ticket."""
    ticket, user = queries.ticket_to_change(request, pk)
    form = orders_form(ticket, request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        ticket_link_orders(ticket=ticket, order_ids=data["orders"], by=user)
        n = len(data["orders"])
        return done(request, ticket, ngettext("%(n)d order linked.", "%(n)d orders linked.", n) % {"n": n})

    return submit(request, ticket, form, act, "helpdesk/_properties.html", orders_form=form)


@require_POST
@login_required
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = AssignForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        team = data["team"]
        ticket_assign(
            ticket=ticket,
            agent=data["assignee"],
            team_id=team.pk if team is not None else None,
            by=user,
        )
        return done(request, ticket, _("Assignment saved."))

    return submit(request, ticket, form, act, "helpdesk/_properties.html", assign_form=form)


@require_POST
@login_required
def stage_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, user = queries.ticket_to_change(request, pk)
    form = stage_form(ticket, request.POST) or StageForm(request.POST)

    def act(data: dict[str, Any]) -> HttpResponse:
        ticket_set_stage(ticket=ticket, stage=data["stage"], note=data["note"], by=user)
        return done(request, ticket, _("Complaint stage updated."))

    return submit(request, ticket, form, act, "helpdesk/_stages.html", stage_form=form)


@require_POST
@login_required
def split_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one of the customer's messages into a new ticket of its own; the new ticket opens."""
    ticket, user = queries.ticket_to_change(request, pk)
    form = SplitForm(request.POST)
    message = None
    if form.is_valid():
        message = Message.objects.filter(pk=form.cleaned_data["message"], ticket=ticket).first()
    if message is None:
        messages.error(request, _("That message is not on this ticket."))
        return to_ticket(request, ticket)
    try:
        new = message_split(message=message, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return to_ticket(request, ticket)
    return done(
        request,
        new,
        _("The message now has its own ticket #%(new)s (split from #%(old)s).")
        % {"new": new.pk, "old": ticket.pk},
    )
