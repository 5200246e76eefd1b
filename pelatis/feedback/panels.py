"""The customer 360 card of what the customer told us: ratings, NPS answers and reviews with their sentiment."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

from .queries import sentiment_history
from .sentiment import sentiment_shown


def sentiment_panel(request: HttpRequest, customer: Customer) -> str:
    """Shown only when the customer wrote something and sentiment in their language beats guessing."""
    if not request.user.has_perm("helpdesk.view_ticket") or not sentiment_shown(customer.language):
        return ""
    points = sentiment_history(customer, limit=10)
    if not points:
        return ""
    return render_to_string("feedback/_sentiment_panel.html", {"points": points}, request=request)
