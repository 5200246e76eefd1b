"""The rights on the customer page: export the personal data as a ZIP, and erase the customer after a
confirmation that shows what goes and what is kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pelatis.core.files import stored_download
from pelatis.customers.models import Customer

from .actions import can_erase, can_export
from .erase import customer_erase
from .export import customer_export
from .forms import EraseForm
from .labels import app_label, item_label


@require_POST
@login_required
def export_view(request: HttpRequest, pk: int) -> FileResponse:
    """Build the ZIP and hand it over at once; it is never reachable by URL."""
    if not can_export(request.user):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=pk)
    stored = customer_export(customer.pk, request=request)
    return stored_download(
        stored.name, filename=f"personal-data-{customer.pk}.zip", content_type="application/zip"
    )


def _rows(summary_rows: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [(app_label(app), item_label(item), n) for app, item, n in summary_rows]


@require_http_methods(["GET", "POST"])
@login_required
def erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what an erasure would remove and keep, and the form; POST: erase."""
    if not can_erase(request.user):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=pk)
    try:
        preview = customer_erase(customer.pk, reason="", dry_run=True)
    except ValidationError as exc:
        context = {"customer": customer, "refused": [m for ms in exc.message_dict.values() for m in ms]}
        return render(request, "privacy/rights/erase_confirm.html", context, status=409)
    form = EraseForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer.pk, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The customer's personal data was erased in every area."))
            return redirect("customers:detail", customer.pk)
    context = {"customer": customer, "form": form, "rows": _rows(preview.rows()), "holds": preview.holds}
    return render(request, "privacy/rights/erase_confirm.html", context, status=422 if form.errors else 200)
