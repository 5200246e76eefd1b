"""What customers buy and whether they come back: orders and revenue, retention and churn, and monthly
cohorts (definitions in docs/metrics.md)."""

from __future__ import annotations

import datetime as dt

from django.db import connections, router
from django.db.models import Case, Count, Max, Min, Q, Sum, Value, When

from pelatis.customers.models import Order

from .base import Filters, Json, month_case, month_starts, months_of, orders, pct, ratio, span

ACTIVE_WINDOW_DAYS = 365  # a customer "is a customer" on a day if they bought in the year before it


def commerce(f: Filters) -> Json:
    """Orders, revenue, AOV, purchase frequency and repeat-purchase rate of the period (one grouped pass)."""
    lo, hi = span(f)
    per_buyer = (
        orders(f)
        .filter(placed_at__gte=lo, placed_at__lt=hi)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("pk"), spent=Sum("total"))
    )
    row = per_buyer.aggregate(
        orders=Sum("n"),
        revenue=Sum("spent"),
        buyers=Count("customer_id"),
        repeaters=Count("customer_id", filter=Q(n__gte=2)),
    )
    count, buyers, repeaters = int(row["orders"] or 0), int(row["buyers"] or 0), int(row["repeaters"] or 0)
    revenue = float(row["revenue"] or 0)
    return {
        "orders": count,
        "revenue": round(revenue, 2),
        "buyers": buyers,
        "average_order_value": ratio(revenue, count),
        "purchase_frequency": ratio(count, buyers),
        "repeat_buyers": repeaters,
        "repeat_purchase_rate_pct": pct(repeaters, buyers),
    }


def retention(f: Filters, *, window_days: int = ACTIVE_WINDOW_DAYS) -> Json:
    """Retention = (E − N) / S; churn = 1 − retention.

    S: customers at the start (bought in the ``window_days`` before the period), E: customers at the end
    (bought in the ``window_days`` up to its end), N: customers whose first order falls in the period.
    """
    lo, hi = span(f)
    window = dt.timedelta(days=window_days)
    # One pass over each customer's orders: bought before the period? near its end? first order when?
    per_customer = (
        orders(f)
        .filter(placed_at__lt=hi)
        .order_by()
        .values("customer_id")
        .annotate(
            s=Max(Case(When(placed_at__gte=lo - window, placed_at__lt=lo, then=Value(1)), default=Value(0))),
            e=Max(Case(When(placed_at__gte=hi - window, then=Value(1)), default=Value(0))),
            first=Min("placed_at"),
        )
    )
    row = per_customer.aggregate(S=Sum("s"), E=Sum("e"), N=Count("customer_id", filter=Q(first__gte=lo)))
    s, e, new = int(row["S"] or 0), int(row["E"] or 0), int(row["N"] or 0)
    rate = (e - new) / s if s else None
    return {
        "start_customers": s,
        "end_customers": e,
        "new_customers": new,
        "retention_pct": round(100.0 * rate, 1) if rate is not None else None,
        "churn_pct": round(100.0 * (1 - rate), 1) if rate is not None else None,
        "window_days": window_days,
    }


def cohorts(f: Filters) -> list[Json]:
    """Customers by month of first order (cohorts starting in the period) and the share of each cohort
    that bought again 1, 2, … months later: one query over the cohorts' orders."""
    _lo, hi = span(f)
    starts = month_starts(f)
    first = (
        orders(f)
        .filter(placed_at__lt=hi)
        .order_by()
        .values("customer_id")
        .annotate(first_at=Min("placed_at"))
        .filter(first_at__gte=starts[0])
    )
    first_sql, first_params = first.query.sql_with_params()
    # the replica inside replica_reads() (the dashboard), like the ORM's reads
    connection = connections[router.db_for_read(Order)]
    qn = connection.ops.quote_name
    cohort_sql, cohort_params = month_case(f"c.{qn('first_at')}", starts)
    month_sql, month_params = month_case(f"o.{qn('placed_at')}", starts)
    not_sold = [Order.Status.CANCELLED.value, Order.Status.REFUNDED.value]
    sql = (
        f"WITH c AS ({first_sql}) SELECT {cohort_sql}, {month_sql}, COUNT(DISTINCT o.{qn('customer_id')}) "  # noqa: S608 — only ORM SQL, quoted names and %s go in; values are parameters
        f"FROM c JOIN {qn(Order._meta.db_table)} o ON o.{qn('customer_id')} = c.{qn('customer_id')} "
        f"WHERE o.{qn('status')} NOT IN (%s, %s) AND o.{qn('placed_at')} >= c.{qn('first_at')} "
        f"AND o.{qn('placed_at')} < %s GROUP BY 1, 2"
    )
    params = [
        *first_params,
        *cohort_params,
        *month_params,
        *not_sold,
        connection.ops.adapt_datetimefield_value(hi),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    wanted = months_of(f)
    table: list[dict[int, int]] = [{} for _ in wanted]
    for cohort, month, n in rows:
        table[int(cohort)][int(month) - int(cohort)] = int(n)
    out: list[Json] = []
    for i, month in enumerate(wanted):
        size = table[i].get(0, 0)
        out.append(
            {
                "cohort": month,
                "customers": size,
                "retained_pct": [pct(table[i].get(k, 0), size) for k in range(1, len(wanted) - i)],
            }
        )
    return out
