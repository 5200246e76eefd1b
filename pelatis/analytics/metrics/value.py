"""What customers are worth: historical and predicted value, its distribution, the top customers and
the RFM grid, read from the scores `pelatis clv fit` (or the worker) stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db.models import Count, Max, Q, QuerySet, Sum

from ..models import CustomerValue, Segment
from .base import Filters, Json, customer_q, mean

CLV_BUCKETS = (0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
TOP_CUSTOMERS = 10


def _top(values: QuerySet[CustomerValue]) -> list[Json]:
    """The customers with the highest predicted value (one query)."""
    rows = (
        values.filter(clv__isnull=False)
        .order_by("-clv", "customer_id")
        .values("customer_id", "customer__display_name", "clv", "p_alive", "revenue", "segment")[
            :TOP_CUSTOMERS
        ]
    )
    return [
        {
            "id": r["customer_id"],
            "name": r["customer__display_name"],
            "clv": r["clv"],
            "p_alive": r["p_alive"],
            "revenue": r["revenue"],
            "segment": r["segment"],
        }
        for r in rows
    ]


def customer_value(f: Filters) -> Json:
    """Historical value (revenue per customer), predicted 12-month CLV, its distribution, the top
    customers and the RFM grid — from the scores `pelatis clv fit` (or the worker) stored. One grouped
    pass by (R, F, segment) gives the grid, the segments, the averages and the distribution; one more
    query the top customers."""
    values = CustomerValue.objects.filter(customer_q(f))
    edges = list(CLV_BUCKETS)
    buckets = {
        f"b{i}": Count("pk", filter=Q(clv__gte=lo) & (Q(clv__lt=edges[i + 1]) if i + 1 < len(edges) else Q()))
        for i, lo in enumerate(edges)
    }
    groups = (
        values.values("recency_score", "frequency_score", "segment")
        .annotate(
            n=Count("pk"),
            revenue_sum=Sum("revenue"),
            clv_sum=Sum("clv"),
            clv_n=Count("clv"),
            alive_sum=Sum("p_alive"),
            alive_n=Count("p_alive"),
            last=Max("computed_at"),
            **buckets,
        )
        .order_by()
    )
    grid = [[0] * 5 for _ in range(5)]
    counts: dict[str, int] = {}
    sums = dict.fromkeys(("n", "revenue_sum", "clv_sum", "clv_n", "alive_sum", "alive_n", *buckets), 0.0)
    last: dt.datetime | None = None
    # django-stubs types the rows with the named annotations only, not the bucket counts passed as **kwargs
    for group in cast("Iterable[Mapping[str, Any]]", groups):
        if 1 <= group["recency_score"] <= 5 and 1 <= group["frequency_score"] <= 5:
            grid[group["recency_score"] - 1][group["frequency_score"] - 1] += group["n"]
        counts[group["segment"]] = counts.get(group["segment"], 0) + group["n"]
        for key in sums:
            sums[key] += float(group[key] or 0)
        if last is None or (group["last"] is not None and group["last"] > last):
            last = group["last"]
    distribution = [
        {"from": lo, "to": edges[i + 1] if i + 1 < len(edges) else None, "customers": int(sums[f"b{i}"])}
        for i, lo in enumerate(edges)
    ]
    labels = dict(Segment.choices)
    segments = [
        {"segment": code, "label": str(labels[code]), "customers": counts.get(code, 0)}
        for code in Segment.values
    ]
    return {
        "customers": int(sums["n"]),
        "historical_clv": mean(sums["revenue_sum"], sums["n"], 2),
        "predicted_clv": mean(sums["clv_sum"], sums["clv_n"], 2),
        "mean_p_alive": mean(sums["alive_sum"], sums["alive_n"], 3),
        "scored": int(sums["clv_n"]),
        "computed_at": last.isoformat() if last else None,
        "distribution": distribution,
        "top": _top(values),
        "rfm_grid": grid,
        "segments": segments,
    }
