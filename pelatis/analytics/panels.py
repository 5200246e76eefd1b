"""The customer 360 card: value so far, predicted value, P(alive) and RFM segment."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

from .models import ClvFit, CustomerValue


def value_panel(request: HttpRequest, customer: Customer) -> str:
    if not request.user.has_perm("analytics.view_customervalue"):
        return ""
    value = CustomerValue.objects.filter(customer=customer).first()
    if value is None:
        return ""
    fit = ClvFit.objects.values("as_of", "fitted_at").first() if value.clv is not None else None
    return render_to_string("analytics/_value_panel.html", {"value": value, "fit": fit}, request=request)
