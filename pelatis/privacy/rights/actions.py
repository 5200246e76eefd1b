"""The customer page's buttons for the rights of access and erasure (``CUSTOMER_ACTIONS``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

EXPORT_PERMISSION = "customers.export_customer"  # managers and admins
ERASE_PERMISSION = "customers.delete_customer"  # managers and admins


def can_export(user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)(EXPORT_PERMISSION))


def can_erase(user: object) -> bool:
    return bool(getattr(user, "has_perm", lambda _p: False)(ERASE_PERMISSION))


def rights_actions(request: HttpRequest, customer: Customer) -> str:
    """ "Export personal data (ZIP)" and "Erase this customer", for those allowed to."""
    export, erase = can_export(request.user), can_erase(request.user) and customer.erased_at is None
    if customer.is_merged or not (export or erase):
        return ""
    return render_to_string(
        "privacy/rights/_customer_actions.html",
        {"c": customer, "export": export, "erase": erase},
        request=request,
    )
