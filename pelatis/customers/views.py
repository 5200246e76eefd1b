"""Staff UI of customers: list and search, the 360 page, create/edit, notes,
merge, import and export. Each view parses, fetches through the access
helper, calls one service and renders."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.hooks import contributions, contributions_by_key
from pelatis.core.http import int_or_none, is_htmx, page_of

from . import queries, services
from .forms import CustomerForm, NoteForm, OrderLogForm, TicketStartForm, split_values
from .models import Customer, Interaction, MergeRecord
from .normalise import email_normalise, phone_normalise

PAGE_SIZE = 25
TIMELINE_PAGE = 20


# ---------------------------------------------------------------- list and search


@dataclass(frozen=True)
class ListFilter:
    """A filter another app adds to the customer list (the RFM segment, say), without customers importing it."""

    param: str
    label: Any
    choices: Callable[[], list[tuple[str, str]]]
    condition: Callable[[str], Q]


@require_GET
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    tag_id = int_or_none(request.GET.get("tag"))
    segment = request.GET.get("type", "")
    segment = segment if segment in queries.CUSTOMER_SEGMENTS else ""
    page_no = max(1, int_or_none(request.GET.get("page")) or 1)
    extras = [(f, request.GET.get(f.param, ""), f.choices()) for f in contributions("CUSTOMER_LIST_FILTERS")]
    chosen = [(f, value) for f, value, choices in extras if value and value in dict(choices)]
    extra = functools.reduce(operator.and_, (f.condition(value) for f, value in chosen)) if chosen else None
    ctx: dict[str, Any] = {
        "q": q,
        "tag_id": tag_id,
        "segment": segment,
        "filtered": bool(tag_id or segment or chosen),
        "extra_filters": [
            (f, value if (f, value) in chosen else "", choices) for f, value, choices in extras
        ],
    }
    if q:
        found = queries.customer_search_filtered(
            q, tag_id=tag_id, segment=segment, extra=extra, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
        )
        ctx.update(customers=found.customers, page_no=page_no, has_next=found.has_more)
    else:
        page, page_range = page_of(
            request, queries.customer_list_filtered(tag_id=tag_id, segment=segment, extra=extra), PAGE_SIZE
        )
        ctx.update(customers=page.object_list, page=page, page_range=page_range)
    if is_htmx(request):
        response = render(request, "customers/_results.html", ctx)
    else:
        ctx["tags"] = queries.tags_for_filter()
        response = render(request, "customers/list.html", ctx)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---------------------------------------------------------------- the 360 page

# Other apps add to this page through their hooks.py (see pelatis.core.hooks; customers imports none):
# CUSTOMER_PANELS, cards called with the request and the customer, returning HTML or "" for nothing;
# CUSTOMER_TIMELINE_LINKS, where a timeline entry leads: its ``source_type`` ("helpdesk.ticket") → a
# function taking the entries' ``source_id`` values and returning {source_id: url} for those it can link
# (one query at most, never one per entry); CUSTOMER_TICKET_STARTERS, below.


@dataclass(frozen=True)
class TicketStarted:
    ticket_id: int
    url: str


# CUSTOMER_TICKET_STARTERS open a ticket from the customer's page (the help desk's channels declare one; the
# first one is used). Called with keywords customer, subject, body, channel ("phone", "in_person" or "email": then the body is emailed to the
#: customer as the ticket's first message), type, priority and by; raises ValidationError naming the field.


def _ticket_starters() -> list[Callable[..., TicketStarted]]:
    return contributions("CUSTOMER_TICKET_STARTERS")


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
        item.link = found.get((item.source_type, item.source_id), "")  # type: ignore[attr-defined]
    return items


def _can_start_tickets(request: HttpRequest, customer: Customer) -> bool:
    return (
        bool(_ticket_starters()) and not customer.is_merged and request.user.has_perm("helpdesk.add_ticket")
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
            "can_start_tickets": _can_start_tickets(request, customer),
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
        services.note_add(customer=customer, body=form.cleaned_data.get("body", ""), by=request.user)
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
        },
        status=status,
    )


@require_POST
@login_required
def customer_ticket_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A ticket started from the customer's page: a call or visit, or an email we write to them."""
    customer = queries.customer_for(request.user, pk)
    if not _can_start_tickets(request, customer):
        raise PermissionDenied
    form = TicketStartForm(request.POST)
    opened = "email" if request.POST.get("channel") == "email" else "ticket"
    if form.is_valid():
        d = form.cleaned_data
        try:
            started = _ticket_starters()[0](
                customer=customer,
                subject=d["subject"],
                body=d["body"],
                channel=d["channel"],
                type=d["type"],
                priority=d["priority"] or "normal",
                by=request.user,
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
            order = services.order_create(customer=customer, data=form.to_input(), by=request.user)
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


@require_GET
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_contact_check_view(request: HttpRequest) -> HttpResponse:
    """While an email or phone is typed into the form: which other customer already has it (htmx fragment)."""
    emails, phones = [], []
    for raw in split_values(request.GET.get("emails", ""))[:20]:
        try:
            emails.append(email_normalise(raw))
        except ValueError:
            continue
    for raw in [p.strip() for p in request.GET.get("phones", "").splitlines() if p.strip()][:20]:
        try:
            phones.append(phone_normalise(raw, None))
        except ValueError:
            continue
    owners = queries.contact_owners(
        emails=emails, phones=phones, exclude_pk=int_or_none(request.GET.get("exclude"))
    )
    return render(request, "customers/_contact_check.html", {"owners": owners})


# ---------------------------------------------------------------- create and edit


def _form_context(form: CustomerForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, **extra}


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("customers.add_customer", raise_exception=True)
def customer_create_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "customers/form.html", _form_context(CustomerForm()))
    form = CustomerForm(request.POST)
    if form.is_valid():
        try:
            customer = services.customer_save(
                customer=None, data=form.to_input(), address=form.address(), by=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.display_name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", _form_context(form), status=422)


@require_http_methods(["GET", "POST"])
@login_required
def customer_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = queries.customer_for(request.user, pk, write=True)
    if customer.is_merged:
        messages.warning(request, _("This customer was merged into another and cannot be edited."))
        return redirect("customers:detail", pk=customer.pk)
    if request.method != "POST":
        form = CustomerForm(initial=CustomerForm.initial_for(customer), exclude_pk=customer.pk)
        return render(request, "customers/form.html", _form_context(form, c=customer))
    form = CustomerForm(request.POST, exclude_pk=customer.pk)
    if form.is_valid():
        try:
            services.customer_save(
                customer=customer, data=form.to_input(), address=form.address(), by=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", _form_context(form, c=customer), status=422)


# ---------------------------------------------------------------- merge


@require_http_methods(["GET", "POST"])
@login_required
def customer_merge_view(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Fold customer ``other_pk`` into ``pk`` after a confirmation page."""
    if not request.user.has_perm("customers.merge_customer"):
        raise PermissionDenied
    survivor = queries.customer_for(request.user, pk, write=True)
    merged = queries.customer_for(request.user, other_pk, write=True)
    if survivor.pk == merged.pk:
        raise Http404
    if request.method == "POST":
        try:
            services.customer_merge(survivor=survivor, merged=merged, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(merged)s” (#%(id)s) was merged into this customer.")
                % {"merged": merged.display_name, "id": merged.pk},
            )
        return redirect("customers:detail", pk=survivor.pk)
    pair = queries.customer_list().in_bulk([survivor.pk, merged.pk])
    if len(pair) < 2:  # one of them is already merged
        messages.error(request, _("One of these customers was already merged."))
        return redirect("customers:detail", pk=survivor.pk)
    return render(
        request, "customers/merge_confirm.html", {"survivor": pair[survivor.pk], "merged": pair[merged.pk]}
    )


# ---------------------------------------------------------------- export
# (imports: import_views.py)


@require_GET
@login_required
@permission_required("customers.export_customer", raise_exception=True)
def customer_export_view(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """All live customers, or those matching ``?q=``, as CSV (streamed) or XLSX: for people in the page's
    language (Greek: ``;``, decimal comma, dd/mm/yyyy, Greek headers and labels), or with
    ``?format=machine`` for programs (``,``, ISO dates, the importer's English keys)."""
    from pelatis.core import tabular

    from . import exporting  # loaded on use, like the importer

    q = request.GET.get("q", "").strip()[:200]
    ids = queries.customer_search_ids(q, limit=100_000) if q else None
    layout = tabular.layout_from_request(request)
    today = timezone.localdate()
    # CSV streams as the rows are read; XLSX is written to a temporary file first (bounded memory).
    return tabular.table_response(
        fmt,
        exporting.columns(),
        exporting.customer_rows(ids, layout),
        layout,
        name=f"{_('customers')}-{today:%Y-%m-%d}",
        ascii_name=f"pelatis-customers-{today:%Y-%m-%d}",
        title=exporting.xlsx_title(layout),
    )
