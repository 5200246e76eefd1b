"""The managers' pages of the audit trail: the filtered list and its CSV export. Reading only: nothing
here (nor anywhere in the app) changes or deletes an entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from pelatis.core import tabular
from pelatis.core.audit import Action, audit_record
from pelatis.core.http import page_of

from .forms import AuditFilterForm
from .queries import PERMISSION, action_label, audit_entries, csv_rows, rows_of

PER_PAGE = 50
_READ = permission_required(PERMISSION, raise_exception=True)

COLUMNS = (
    tabular.Column("at", pgettext_lazy("audit export column", "When"), kind="datetime", width=20),
    tabular.Column("user", pgettext_lazy("audit export column", "User"), width=16),
    tabular.Column("action", pgettext_lazy("audit export column", "Action"), choices=action_label, width=24),
    tabular.Column("customer_id", pgettext_lazy("audit export column", "Customer"), kind="int"),
    tabular.Column("ip", pgettext_lazy("audit export column", "IP address"), width=16),
    tabular.Column("fields", pgettext_lazy("audit export column", "Fields changed"), width=30),
    tabular.Column("detail", pgettext_lazy("audit export column", "Detail"), width=40),
)


@require_GET
@login_required
@_READ
def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    form.is_valid()
    page, page_range = page_of(request, audit_entries(form.filters()), PER_PAGE)
    return render(
        request,
        "privacy/audit/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page_range,
            "rows": rows_of(page.object_list),
            "export_query": request.GET.urlencode(),
        },
    )


@require_GET
@login_required
@_READ
def audit_export_view(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as CSV (UTF-8 with a BOM, in the reader's layout); the export is itself recorded."""
    form = AuditFilterForm(request.GET or None)
    form.is_valid()
    entries = audit_entries(form.filters())
    audit_record(Action.EXPORT, request=request, detail="audit log")
    layout = tabular.layout_from_request(request)
    today = timezone.localdate()
    return tabular.table_response(
        "csv",
        COLUMNS,
        csv_rows(entries, machine=layout.machine),
        layout,
        name=f"{_('audit-log')}-{today:%Y-%m-%d}",
        ascii_name=f"pelatis-audit-log-{today:%Y-%m-%d}",
        title=_("Audit log"),
    )
