"""The customer page's "History of access" card: the latest entries of the audit trail about this
customer, for those who may read the log (managers and admins), with a link to the whole history."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

from .queries import PERMISSION, customer_entries, rows_of

LATEST = 10


def audit_panel(request: HttpRequest, customer: Customer) -> str:
    if not request.user.has_perm(PERMISSION):
        return ""
    rows = rows_of(customer_entries(customer.pk, limit=LATEST), names=False)  # the page's own customer
    return render_to_string(
        "privacy/audit/_panel.html", {"customer": customer, "rows": rows}, request=request
    )
