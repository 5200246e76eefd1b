"""The dashboard's numbers over REST: one document per set of filters, and a customer's scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from .metrics import Filters
from .models import CustomerValue
from .services import dashboard_for

router = Router(tags=["metrics"])


class MetricsOut(Schema):
    computed_at: dt.datetime
    seconds: float
    filters: dict[str, Any]
    data: dict[str, Any]


class CustomerValueOut(Schema):
    customer_id: int
    orders: int
    revenue: float
    first_order: dt.date | None
    last_order: dt.date | None
    recency_score: int
    frequency_score: int
    monetary_score: int
    segment: str
    p_alive: float | None
    expected_purchases: float | None
    clv: float | None
    computed_at: dt.datetime


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("/metrics", response=MetricsOut)
def metrics(request: HttpRequest, start: str = "", end: str = "", team: str = "", agent: str = "", channel: str = "",
            type: str = "", segment: str = "", fresh: bool = False) -> dict[str, Any]:
    """Every dashboard number for the period (default: the last twelve months), cached for 15 minutes;
    ``fresh=true`` recomputes."""
    _require(request, "analytics.view_metricsnapshot")
    params = {"start": start, "end": end, "team": team, "agent": agent, "channel": channel, "type": type,
              "segment": segment}
    try:
        filters = Filters.parse(params)
    except ValueError as exc:
        name = str(exc).split(":", 1)[0]
        raise NinjaValidationError([{"loc": ["query", name], "msg": str(exc), "type": "value_error"}]) from None
    snapshot = dashboard_for(filters, refresh=fresh)
    return {"computed_at": snapshot.computed_at, "seconds": snapshot.seconds, "filters": snapshot.params,
            "data": snapshot.data}


@router.get("/metrics/customers/{customer_id}", response=CustomerValueOut)
def customer_value(request: HttpRequest, customer_id: int) -> CustomerValue:
    """A customer's RFM scores and segment, and the predicted 12-month value from the last fit."""
    _require(request, "analytics.view_customervalue")
    value = CustomerValue.objects.filter(customer_id=customer_id).first()
    if value is None:
        raise Http404
    return value
