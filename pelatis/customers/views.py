"""Staff UI of customers: list and search, create/edit, merge and export (the customer's page:
page_views.py; imports: import_views.py). Each view parses, fetches through the access helper, calls one
service and renders."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pelatis.core.audit import Action, audit_record
from pelatis.core.hooks import contributions
from pelatis.core.http import int_or_none, is_htmx, page_of, request_user

from . import queries
from .forms import CustomerForm, split_values
from .normalise import email_normalise, phone_normalise
from .services.customers import customer_save
from .services.merge import customer_merge

PAGE_SIZE = 25


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
            customer = customer_save(
                customer=None,
                data=form.to_input(),
                address=form.address(),
                by=request_user(request),
                request=request,
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
    if customer.erased_at is not None:
        messages.warning(request, _("This customer's personal data was erased; the record cannot be edited."))
        return redirect("customers:detail", pk=customer.pk)
    if request.method != "POST":
        form = CustomerForm(initial=CustomerForm.initial_for(customer), exclude_pk=customer.pk)
        return render(request, "customers/form.html", _form_context(form, c=customer))
    form = CustomerForm(request.POST, exclude_pk=customer.pk)
    if form.is_valid():
        try:
            customer_save(
                customer=customer,
                data=form.to_input(),
                address=form.address(),
                by=request_user(request),
                request=request,
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
            customer_merge(survivor=survivor, merged=merged, by=request_user(request), request=request)
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
    # Recorded before the rows stream (a download cut short still handed out what it sent), with the count
    # of customers it holds; the search words are not kept (they may be a name).
    rows = exporting.customer_count(ids)
    audit_record(
        Action.EXPORT,
        request=request,
        detail=f"customers {fmt.upper()}{' (search results)' if q else ''}: rows={rows}",
    )
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
