"""The dashboard's numbers over REST: one document per set of filters, and a customer's scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from pelatis.core.apischema import IdPath, In, errors

from .metrics.base import Filters
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


class MetricsParams(In):
    start: str = Field("", max_length=40, description="YYYY-MM-DD; default a year before end")
    end: str = Field("", max_length=40, description="YYYY-MM-DD; default today")
    team: str = Field("", max_length=18, pattern=r"^[0-9]*$", description="a team's id")
    agent: str = Field("", max_length=18, pattern=r"^[0-9]*$", description="a user's id")
    channel: str = Field("", max_length=40)
    type: str = Field("", max_length=40)
    segment: str = Field("", max_length=40)
    fresh: bool = False


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("/metrics", response={200: MetricsOut, **errors()})
def metrics(request: HttpRequest, query: Query[MetricsParams]) -> dict[str, Any]:
    """Every dashboard number for the period (default: the last twelve months), cached for 15 minutes;
    ``fresh=true`` recomputes."""
    _require(request, "analytics.view_metricsnapshot")
    params = query.dict(exclude={"fresh"})
    try:
        filters = Filters.parse(params)
    except ValueError as exc:
        name = str(exc).split(":", 1)[0]
        raise NinjaValidationError(
            [{"loc": ["query", name], "msg": str(exc), "type": "value_error"}]
        ) from None
    snapshot = dashboard_for(filters, refresh=query.fresh)
    return {
        "computed_at": snapshot.computed_at,
        "seconds": snapshot.seconds,
        "filters": snapshot.params,
        "data": snapshot.data,
    }


@router.get("/metrics/customers/{customer_id}", response={200: CustomerValueOut, **errors(404)})
def customer_value(request: HttpRequest, customer_id: IdPath) -> CustomerValue:
    """A customer's RFM scores and segment, and the predicted 12-month value from the last fit."""
    _require(request, "analytics.view_customervalue")
    value = CustomerValue.objects.filter(customer_id=customer_id).first()
    if value is None:
        raise Http404
    return value
