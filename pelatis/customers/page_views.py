"""The customer's page (the 360 view) and the work that starts on it: the timeline with its notes, tickets
and emails (through another app's starter), orders logged by staff. Other apps add cards and forms through
their hooks.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pelatis.core.hooks import contributions, contributions_by_key
from pelatis.core.http import int_or_none, is_htmx, request_user

from . import queries
from .forms import NoteForm, OrderLogForm, TicketStartForm
from .models import Customer, Interaction, MergeRecord
from .services.audit import customer_view_record
from .services.orders import order_create
from .services.timeline import note_add

TIMELINE_PAGE = 20


# Other apps add to this page through their hooks.py (see pelatis.core.hooks; customers imports none):
# CUSTOMER_PANELS, cards called with the request and the customer, returning HTML or "" for nothing;
# CUSTOMER_ACTIONS, forms beside the timeline (logging a call, say), called the same way;
# CUSTOMER_TIMELINE_LINKS, where a timeline entry leads: its ``source_type`` ("helpdesk.ticket") → a
# function taking the entries' ``source_id`` values and returning {source_id: url} for those it can link
# (one query at most, never one per entry); CUSTOMER_TICKET_STARTERS, below.


@dataclass(frozen=True)
class TicketStarted:
    ticket_id: int
    url: str


@dataclass(frozen=True)
class TicketStarter:
    """What CUSTOMER_TICKET_STARTERS hold: a way to open a ticket from the customer's page (the help desk's
    channels declare one; the first one is used).

    ``start`` is called with keywords customer, subject, body, channel ("phone", "in_person" or "email": then
    the body is emailed to the customer as the ticket's first message), type, priority and by, and raises
    ValidationError naming the field; ``types`` and ``priorities`` are the form's choices, (value, label) pairs.
    """

    start: Callable[..., TicketStarted]
    types: Callable[[], list[tuple[str, str]]]
    priorities: Callable[[], list[tuple[str, str]]]


def _ticket_starter() -> TicketStarter | None:
    starters = contributions("CUSTOMER_TICKET_STARTERS")
    return starters[0] if starters else None


def _actions(request: HttpRequest, customer: Customer) -> list[str]:
    """The CUSTOMER_ACTIONS forms this user may use on this customer's page."""
    return [html for action in contributions("CUSTOMER_ACTIONS") if (html := action(request, customer))]


def _own_links(customer: Customer) -> dict[str, Callable[[list[str]], dict[str, str]]]:
    """Links to what customers itself records: orders, subscriptions, merges, imports, the profile."""
    detail = reverse("customers:detail", args=[customer.pk])

    def orders(ids: list[str]) -> dict[str, str]:
        return {i: reverse("customers:order", args=[customer.pk, int(i)]) for i in ids if i.isdigit()}

    def merges(ids: list[str]) -> dict[str, str]:
        pks = [int(i) for i in ids if i.isdigit()]
        return {
            str(pk): reverse("customers:detail", args=[merged])
            for pk, merged in MergeRecord.objects.filter(pk__in=pks).values_list("pk", "merged_id")
        }

    return {
        "customers.customer": lambda ids: dict.fromkeys(ids, f"{detail}#profile-h"),
        "customers.order": orders,
        "customers.subscription": lambda ids: dict.fromkeys(ids, f"{detail}#subscriptions"),
        "customers.mergerecord": merges,
        "customers.importjob": lambda ids: {
            i: reverse("customers:import_job", args=[int(i)]) for i in ids if i.isdigit()
        },
    }


def timeline_with_links(customer: Customer, items: list[Interaction]) -> list[Interaction]:
    """Set ``link`` on each entry: the page of the ticket, order, review or survey it stands for ("" if none)."""
    wanted: dict[str, set[str]] = {}
    for item in items:
        if item.source_type and item.source_id:
            wanted.setdefault(item.source_type, set()).add(item.source_id)
    resolvers = {**_own_links(customer), **contributions_by_key("CUSTOMER_TIMELINE_LINKS")}
    found: dict[tuple[str, str], str] = {}
    for source_type, ids in wanted.items():
        resolve = resolvers.get(source_type)
        if resolve is not None:
            found.update(((source_type, i), url) for i, url in resolve(sorted(ids)).items())
    for item in items:
        item.link = found.get((item.source_type, item.source_id), "")  # type: ignore[attr-defined]  # shown by the timeline template, not stored
    return items


def _can_start_tickets(request: HttpRequest, customer: Customer) -> bool:
    return (
        _ticket_starter() is not None
        and not customer.is_merged
        and request.user.has_perm("helpdesk.add_ticket")
    )


def _render_detail(
    request: HttpRequest,
    customer: Customer,
    *,
    note_form: NoteForm | None = None,
    ticket_form: TicketStartForm | None = None,
    order_form: OrderLogForm | None = None,
    opened: str = "",
    status: int = 200,
) -> HttpResponse:
    view = queries.customer_360(customer, timeline_limit=TIMELINE_PAGE)
    timeline_with_links(customer, view.timeline)
    email_form = ticket_form if ticket_form is not None and opened == "email" else None
    can_start_tickets = _can_start_tickets(request, customer)
    starter = _ticket_starter()
    return render(
        request,
        "customers/detail.html",
        {
            "c": customer,
            "view": view,
            "note_form": note_form or NoteForm(),
            "tags": list(customer.tags.all()),
            "addresses": list(customer.addresses.all()),
            "name_day": queries.customer_next_name_day(customer, today=timezone.localdate()),
            "next_offset": TIMELINE_PAGE,
            "currency": settings.PELATIS_DEFAULT_CURRENCY,
            "panels": [
                html for panel in contributions("CUSTOMER_PANELS") if (html := panel(request, customer))
            ],
            "actions": _actions(request, customer),
            "can_start_tickets": can_start_tickets,
            "ticket_types": starter.types() if starter is not None and can_start_tickets else [],
            "ticket_priorities": starter.priorities() if starter is not None and can_start_tickets else [],
            "can_log_orders": not customer.is_merged and request.user.has_perm("customers.add_order"),
            "ticket_form": ticket_form if opened == "ticket" else TicketStartForm(),
            "email_form": email_form or TicketStartForm(initial={"channel": "email"}),
            "order_form": order_form or OrderLogForm(),
            "opened": opened,
        },
        status=status,
    )


@require_GET
@login_required
def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = queries.customer_for(request.user, pk)
    customer_view_record(request=request, customer_id=customer.pk)
    return _render_detail(request, customer)


@require_GET
@login_required
def customer_timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The next page of the timeline, for "load more"."""
    customer = queries.customer_for(request.user, pk)
    offset = max(0, int_or_none(request.GET.get("offset")) or 0)
    items, has_more = queries.customer_timeline(customer, limit=TIMELINE_PAGE, offset=offset)
    timeline_with_links(customer, items)
    return render(
        request,
        "customers/_timeline_items.html",
        {
            "c": customer,
            "items": items,
            "has_more": has_more,
            "next_offset": offset + TIMELINE_PAGE,
        },
    )


@require_POST
@login_required
def customer_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = queries.customer_for(request.user, pk, write=True)
    form = NoteForm(request.POST)
    form.is_valid()  # only strips; the service decides what a valid note is
    try:
        note_add(customer=customer, body=form.cleaned_data.get("body", ""), by=request_user(request))
    except ValidationError as exc:
        form.add_error("body", exc.message_dict.get("body") or exc.messages)
        if not is_htmx(request):
            return _render_detail(request, customer, note_form=form, status=422)
        return _timeline_panel(request, customer, form, status=422)
    if not is_htmx(request):
        messages.success(request, _("Note added."))
        return redirect(reverse("customers:detail", args=[customer.pk]) + "#timeline")
    return _timeline_panel(request, customer, NoteForm(), status=200)


def _timeline_panel(request: HttpRequest, customer: Customer, form: NoteForm, *, status: int) -> HttpResponse:
    items, has_more = queries.customer_timeline(customer, limit=TIMELINE_PAGE)
    timeline_with_links(customer, items)
    return render(
        request,
        "customers/_timeline_panel.html",
        {
            "c": customer,
            "items": items,
            "has_more": has_more,
            "next_offset": TIMELINE_PAGE,
            "note_form": form,
            "actions": _actions(request, customer),
        },
        status=status,
    )


@require_POST
@login_required
def customer_ticket_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A ticket started from the customer's page: a call or visit, or an email we write to them."""
    customer = queries.customer_for(request.user, pk)
    starter = _ticket_starter()
    if starter is None or not _can_start_tickets(request, customer):
        raise PermissionDenied
    form = TicketStartForm(request.POST)
    opened = "email" if request.POST.get("channel") == "email" else "ticket"
    if form.is_valid():
        d = form.cleaned_data
        try:
            started = starter.start(
                customer=customer,
                subject=d["subject"],
                body=d["body"],
                channel=d["channel"],
                type=d["type"],
                priority=d["priority"] or "normal",
                by=request_user(request),
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            text = (
                _("Email queued to the customer as ticket #%(id)s.")
                if d["channel"] == "email"
                else _("Ticket #%(id)s opened.")
            )
            messages.success(request, text % {"id": started.ticket_id})
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#tickets")
    return _render_detail(request, customer, ticket_form=form, opened=opened, status=422)


@require_POST
@login_required
def customer_order_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An order logged by staff from the customer's page."""
    customer = queries.customer_for(request.user, pk)
    if customer.is_merged or not request.user.has_perm("customers.add_order"):
        raise PermissionDenied
    form = OrderLogForm(request.POST)
    if form.is_valid():
        try:
            order = order_create(customer=customer, data=form.to_input(), by=request_user(request))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Order %(ref)s recorded.") % {"ref": order.reference})
            return redirect(reverse("customers:detail", args=[customer.pk]) + f"#order-{order.pk}")
    return _render_detail(request, customer, order_form=form, opened="order", status=422)


def _errors_onto(form: Any, error: ValidationError) -> None:
    """A service's errors next to the fields they name, the others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_GET
@login_required
def customer_order_view(request: HttpRequest, pk: int, order_pk: int) -> HttpResponse:
    """One order with its lines (the timeline links here)."""
    customer = queries.customer_for(request.user, pk)
    order = get_object_or_404(customer.orders.prefetch_related("lines"), pk=order_pk)
    return render(request, "customers/order.html", {"c": customer, "o": order})
