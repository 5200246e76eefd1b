"""The numbers a manager steers by, each one SQL aggregate (definitions in docs/metrics.md).

Every function takes :class:`Filters` (a period and optional team, channel, segment...) and returns
plain JSON-ready values, so a whole dashboard can be cached as one document. Nothing here loops over
customers or tickets in Python: the loops are over months, weeks or the five RFM scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Case, Count, Max, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.formats import number_format

from pelatis.customers.models import Order
from pelatis.feedback.models import CsatSurvey, NpsResponse, Review
from pelatis.helpdesk.models import Team, Ticket

from .definitions import metric_definition, metric_label
from .models import CustomerValue, Segment

SOLD = ~Q(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
ACTIVE_WINDOW_DAYS = 365  # a customer "is a customer" on a day if they bought in the year before it
CLV_BUCKETS = (0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
TOP_CUSTOMERS = 10
DIMENSIONS = ("team", "agent", "channel", "type", "month")


@dataclass(frozen=True)
class Filters:
    """A period (both days included) and optional narrowing. Team, agent, channel and type narrow the
    help-desk and survey numbers; segment narrows everything that belongs to a customer."""

    start: dt.date
    end: dt.date
    team: int | None = None
    agent: int | None = None
    channel: str = ""
    type: str = ""
    segment: str = ""

    @classmethod
    def default(cls, today: dt.date | None = None) -> Filters:
        """The last twelve whole months up to today."""
        today = today or timezone.localdate()
        return cls(start=(today.replace(day=1) - dt.timedelta(days=335)).replace(day=1), end=today)

    @classmethod
    def parse(cls, data: Mapping[str, str], today: dt.date | None = None) -> Filters:
        """Filters from query parameters; ValueError names the parameter that is wrong."""
        base = cls.default(today)
        values: dict[str, object] = {}
        for name in ("start", "end"):
            raw = (data.get(name) or "").strip()
            try:
                values[name] = dt.date.fromisoformat(raw) if raw else getattr(base, name)
            except ValueError:
                raise ValueError(f"{name}: {raw!r} is not a date such as 2026-06-30") from None
        for name in ("team", "agent"):
            raw = (data.get(name) or "").strip()
            if raw and not raw.isdigit():
                raise ValueError(f"{name}: {raw!r} is not an id")
            values[name] = int(raw) if raw else None
        for name in ("channel", "type", "segment"):
            values[name] = (data.get(name) or "").strip()[:20]
        if values["segment"] and values["segment"] not in Segment.values:
            raise ValueError(f"segment: {values['segment']!r} is not one of {', '.join(Segment.values)}")
        if values["end"] < values["start"]:  # type: ignore[operator]
            raise ValueError("end: the period ends before it starts")
        return cls(**values)  # type: ignore[arg-type]

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.as_params(), sort_keys=True).encode()).hexdigest()

    def as_params(self) -> dict[str, object]:
        return {
            f.name: (v.isoformat() if isinstance(v, dt.date) else v)
            for f in fields(self)
            if (v := getattr(self, f.name)) not in (None, "")
        }


def _span(f: Filters) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the business time zone."""
    start = timezone.make_aware(dt.datetime.combine(f.start, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min))


def _pct(part: float | None, whole: float | None) -> float | None:
    return round(100.0 * (part or 0) / whole, 1) if whole else None


def _ratio(part: float | None, whole: float | None, digits: int = 2) -> float | None:
    return round((part or 0) / whole, digits) if whole else None


def _round(value: float | None, digits: int = 2) -> float | None:
    """An average rounded for display; None (no rows, nothing scored) stays None."""
    return round(float(value), digits) if value is not None else None


def months_of(f: Filters) -> list[str]:
    """Every 'YYYY-MM' the period touches, in order."""
    out, day = [], f.start.replace(day=1)
    while day <= f.end:
        out.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


# --- narrowing -----------------------------------------------------------------------------------


def _customer_q(f: Filters, path: str = "customer") -> Q:
    return Q(**{f"{path}__value__segment": f.segment}) if f.segment else Q()


def _ticket_q(f: Filters, path: str = "") -> Q:
    p = f"{path}__" if path else ""
    q = Q(**{f"{p}merged_into__isnull": True}) & _customer_q(f, f"{p}customer")
    if f.team:
        q &= Q(**{f"{p}team_id": f.team})
    if f.agent:
        q &= Q(**{f"{p}assignee_id": f.agent})
    if f.channel:
        q &= Q(**{f"{p}channel": f.channel})
    if f.type:
        q &= Q(**{f"{p}type": f.type})
    return q


def tickets(f: Filters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(_ticket_q(f))


def orders(f: Filters) -> QuerySet[Order]:
    return Order.objects.filter(SOLD, _customer_q(f))


# --- feedback ------------------------------------------------------------------------------------


def csat(f: Filters) -> dict[str, object]:
    """CSAT % = ratings 4–5 / all ratings answered in the period; response rate = answered / sent."""
    lo, hi = _span(f)
    surveys = CsatSurvey.objects.filter(_ticket_q(f, "ticket"))
    row = surveys.aggregate(
        answered=Count("pk", filter=Q(answered_at__gte=lo, answered_at__lt=hi, score__isnull=False)),
        happy=Count("pk", filter=Q(answered_at__gte=lo, answered_at__lt=hi, score__gte=4)),
        sent=Count("pk", filter=Q(sent_at__gte=lo, sent_at__lt=hi)),
        sent_answered=Count("pk", filter=Q(sent_at__gte=lo, sent_at__lt=hi, score__isnull=False)),
    )
    return {
        "answered": row["answered"],
        "satisfied": row["happy"],
        "csat_pct": _pct(row["happy"], row["answered"]),
        "sent": row["sent"],
        "response_rate_pct": _pct(row["sent_answered"], row["sent"]),
    }


def nps(f: Filters) -> dict[str, object]:
    """NPS = % promoters (9–10) − % detractors (0–6) among answers in the period."""
    lo, hi = _span(f)
    responses = NpsResponse.objects.filter(_customer_q(f))
    row = responses.aggregate(
        answered=Count("pk", filter=Q(answered_at__gte=lo, answered_at__lt=hi, score__isnull=False)),
        promoters=Count("pk", filter=Q(answered_at__gte=lo, answered_at__lt=hi, score__gte=9)),
        detractors=Count("pk", filter=Q(answered_at__gte=lo, answered_at__lt=hi, score__lte=6)),
        sent=Count("pk", filter=Q(sent_at__gte=lo, sent_at__lt=hi)),
        sent_answered=Count("pk", filter=Q(sent_at__gte=lo, sent_at__lt=hi, score__isnull=False)),
    )
    answered = row["answered"]
    score = round(100.0 * (row["promoters"] - row["detractors"]) / answered, 1) if answered else None
    return {
        "answered": answered,
        "promoters": row["promoters"],
        "detractors": row["detractors"],
        "passives": answered - row["promoters"] - row["detractors"],
        "nps": score,
        "sent": row["sent"],
        "response_rate_pct": _pct(row["sent_answered"], row["sent"]),
    }


def reviews(f: Filters) -> dict[str, object]:
    """Reviews and mentions published in the period: count, average rating (rated ones), negative share
    (rated 1–2, or unrated with negative sentiment) and the share we answered."""
    lo, hi = _span(f)
    negative = Q(rating__lte=2) | Q(rating__isnull=True, sentiment_label="negative")
    row = Review.objects.filter(_customer_q(f), published_at__gte=lo, published_at__lt=hi).aggregate(
        n=Count("pk"),
        mean_rating=Avg("rating"),
        negative=Count("pk", filter=negative),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    return {
        "reviews": row["n"],
        "average_rating": _round(row["mean_rating"], 2),
        "negative_pct": _pct(row["negative"], row["n"]),
        "answered_pct": _pct(row["answered"], row["n"]),
    }


def feedback_trend(f: Filters) -> list[dict[str, object]]:
    """CSAT % and NPS per month of the period (two grouped queries)."""
    lo, hi = _span(f)
    months = months_of(f)
    by_month: list[dict[str, object]] = [
        {"month": m, "csat_pct": None, "csat_answered": 0, "nps": None, "nps_answered": 0} for m in months
    ]
    csat_rows = (
        CsatSurvey.objects.filter(
            _ticket_q(f, "ticket"), answered_at__gte=lo, answered_at__lt=hi, score__isnull=False
        )
        .annotate(m=_event_month("answered_at", f))
        .values("m")
        .annotate(n=Count("pk"), happy=Count("pk", filter=Q(score__gte=4)))
        .order_by()
    )
    for row in csat_rows:
        by_month[row["m"]].update(csat_pct=_pct(row["happy"], row["n"]), csat_answered=row["n"])
    nps_rows = (
        NpsResponse.objects.filter(
            _customer_q(f), answered_at__gte=lo, answered_at__lt=hi, score__isnull=False
        )
        .annotate(m=_event_month("answered_at", f))
        .values("m")
        .annotate(
            n=Count("pk"), pro=Count("pk", filter=Q(score__gte=9)), de=Count("pk", filter=Q(score__lte=6))
        )
        .order_by()
    )
    for row in nps_rows:
        by_month[row["m"]].update(
            nps=round(100.0 * (row["pro"] - row["de"]) / row["n"], 1), nps_answered=row["n"]
        )
    return by_month


# --- customers and orders ------------------------------------------------------------------------


def commerce(f: Filters) -> dict[str, object]:
    """Orders, revenue, AOV, purchase frequency and repeat-purchase rate of the period (one grouped pass)."""
    lo, hi = _span(f)
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
        "average_order_value": _ratio(revenue, count),
        "purchase_frequency": _ratio(count, buyers),
        "repeat_buyers": repeaters,
        "repeat_purchase_rate_pct": _pct(repeaters, buyers),
    }


def retention(f: Filters, *, window_days: int = ACTIVE_WINDOW_DAYS) -> dict[str, object]:
    """Retention = (E − N) / S; churn = 1 − retention.

    S: customers at the start (bought in the ``window_days`` before the period), E: customers at the end
    (bought in the ``window_days`` up to its end), N: customers whose first order falls in the period.
    """
    lo, hi = _span(f)
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


def month_starts(f: Filters) -> list[dt.datetime]:
    """The first moment of every month the period touches, in the business time zone."""
    return [
        timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(f"{m}-01"), dt.time.min))
        for m in months_of(f)
    ]


def _month_case(column: str, starts: list[dt.datetime]) -> tuple[str, list[object]]:
    """SQL giving the index of the period's month a timestamp falls in (rows are already inside the
    period): plain comparisons with the month boundaries, so no date function runs per row."""
    adapt = connection.ops.adapt_datetimefield_value
    whens = " ".join(f"WHEN {column} < %s THEN {i}" for i in range(len(starts) - 1))
    sql = f"CASE {whens} ELSE {len(starts) - 1} END" if whens else "0"
    return sql, [adapt(start) for start in starts[1:]]


def _event_month(field: str, f: Filters) -> Case:
    """The index of the period's month ``field`` falls in, or -1 when it is empty or outside the period."""
    lo, hi = _span(f)
    starts = month_starts(f)
    outside = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": lo}) | Q(**{f"{field}__gte": hi})
    return Case(
        When(outside, then=Value(-1)),
        *(When(**{f"{field}__lt": start}, then=Value(i)) for i, start in enumerate(starts[1:])),
        default=Value(len(starts) - 1),
    )


def cohorts(f: Filters) -> list[dict[str, object]]:
    """Customers by month of first order (cohorts starting in the period) and the share of each cohort
    that bought again 1, 2, … months later: one query over the cohorts' orders."""
    _lo, hi = _span(f)
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
    qn = connection.ops.quote_name
    cohort_sql, cohort_params = _month_case(f"c.{qn('first_at')}", starts)
    month_sql, month_params = _month_case(f"o.{qn('placed_at')}", starts)
    not_sold = [Order.Status.CANCELLED.value, Order.Status.REFUNDED.value]
    sql = (
        f"WITH c AS ({first_sql}) SELECT {cohort_sql}, {month_sql}, COUNT(DISTINCT o.{qn('customer_id')}) "
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
    out = []
    for i, month in enumerate(wanted):
        size = table[i].get(0, 0)
        out.append(
            {
                "cohort": month,
                "customers": size,
                "retained_pct": [_pct(table[i].get(k, 0), size) for k in range(1, len(wanted) - i)],
            }
        )
    return out


def customer_value(f: Filters) -> dict[str, object]:
    """Historical value (revenue per customer), predicted 12-month CLV, its distribution, the top
    customers and the RFM grid — from the scores `pelatis clv fit` (or the worker) stored. One grouped
    pass by (R, F, segment) gives the grid, the segments, the averages and the distribution; one more
    query the top customers."""
    values = CustomerValue.objects.filter(_customer_q(f))
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
    last = None
    for r in groups:
        if 1 <= r["recency_score"] <= 5 and 1 <= r["frequency_score"] <= 5:
            grid[r["recency_score"] - 1][r["frequency_score"] - 1] += r["n"]
        counts[r["segment"]] = counts.get(r["segment"], 0) + r["n"]
        for key in sums:
            sums[key] += float(r[key] or 0)
        last = r["last"] if last is None or (r["last"] is not None and r["last"] > last) else last
    distribution = [
        {"from": lo, "to": edges[i + 1] if i + 1 < len(edges) else None, "customers": int(sums[f"b{i}"])}
        for i, lo in enumerate(edges)
    ]
    top = [
        {
            "id": r["customer_id"],
            "name": r["customer__display_name"],
            "clv": r["clv"],
            "p_alive": r["p_alive"],
            "revenue": r["revenue"],
            "segment": r["segment"],
        }
        for r in values.filter(clv__isnull=False)
        .order_by("-clv", "customer_id")
        .values("customer_id", "customer__display_name", "clv", "p_alive", "revenue", "segment")[
            :TOP_CUSTOMERS
        ]
    ]
    labels = dict(Segment.choices)
    segments = [
        {"segment": code, "label": str(labels[code]), "customers": counts.get(code, 0)}
        for code in Segment.values
    ]

    def mean(total: float, n: float, digits: int = 2) -> float | None:
        return round(total / n, digits) if n else None

    return {
        "customers": int(sums["n"]),
        "historical_clv": mean(sums["revenue_sum"], sums["n"]),
        "predicted_clv": mean(sums["clv_sum"], sums["clv_n"]),
        "mean_p_alive": mean(sums["alive_sum"], sums["alive_n"], 3),
        "scored": int(sums["clv_n"]),
        "computed_at": last.isoformat() if last else None,
        "distribution": distribution,
        "top": top,
        "rfm_grid": grid,
        "segments": segments,
    }


# --- service -------------------------------------------------------------------------------------


# Grouped by the ticket's own columns (no join per ticket); team and agent ids get their names afterwards.
_DIMENSION_FIELDS = {"team": "team_id", "agent": "assignee_id", "channel": "channel", "type": "type"}
_COUNTS = (
    "created",
    "resolved",
    "frt_sum",
    "frt_n",
    "res_sum",
    "res_n",
    "answered_resolved",
    "one_touch",
    "sla_decided",
    "sla_met",
    "ever_resolved",
    "reopened",
)


# What each piece counts, and which event's month it belongs to (c: created, r: resolved, a: first answer).
_DECIDED = Q(sla_policy__isnull=False) & (Q(sla_breached=True) | Q(resolved_at__isnull=False))
_PIECES: dict[str, tuple[str, object]] = {
    "created": ("c", Count("pk")),
    "resolved": ("r", Count("pk")),
    "frt_sum": ("a", Sum("first_response_minutes")),
    "frt_n": ("a", Count("first_response_minutes")),
    "res_sum": ("r", Sum("resolution_minutes")),
    "res_n": ("r", Count("resolution_minutes")),
    "answered_resolved": ("r", Count("pk", filter=Q(agent_replies__gte=1))),
    "one_touch": ("r", Count("pk", filter=Q(agent_replies=1, reopened_count=0))),
    "sla_decided": ("c", Count("pk", filter=_DECIDED)),
    "sla_met": ("c", Count("pk", filter=_DECIDED & Q(sla_breached=False))),
    "ever_resolved": ("c", Count("pk", filter=Q(resolved_at__isnull=False) | Q(reopened_count__gt=0))),
    "reopened": ("c", Count("pk", filter=Q(reopened_count__gt=0))),
}
_COUNTS = tuple(_PIECES)


def _service_row(acc: Mapping[str, float]) -> dict[str, object]:
    def mean(total: float, n: float) -> float | None:
        return round(total / n, 1) if n else None

    return {
        "created": int(acc["created"]),
        "resolved": int(acc["resolved"]),
        "first_response_minutes": mean(acc["frt_sum"], acc["frt_n"]),
        "resolution_minutes": mean(acc["res_sum"], acc["res_n"]),
        "fcr_pct": _pct(acc["one_touch"], acc["answered_resolved"]),
        "sla_compliance_pct": _pct(acc["sla_met"], acc["sla_decided"]),
        "reopen_rate_pct": _pct(acc["reopened"], acc["ever_resolved"]),
    }


def _names(model: Any, ids: list[Any]) -> dict[Any, str]:
    """Team names, or agents as staff know them: their full name, their login only when they have none."""
    if model is Team:
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = model.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "username")
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}


def service_rollup(
    f: Filters, dimensions: tuple[str, ...] = ("team", "agent", "channel", "type")
) -> dict[str, object]:
    """The service numbers for the whole period, per month, and per team, agent, channel and type, from
    ONE grouped scan of the period's tickets. The query groups by the dimensions and by the months in
    which each ticket was created, first answered and resolved (plain comparisons, no date function);
    each piece is then added to its event's month, and groups are added up here (a few thousand rows,
    never one per ticket)."""
    lo, hi = _span(f)
    months = months_of(f)
    period = (
        Q(created_at__gte=lo, created_at__lt=hi)
        | Q(resolved_at__gte=lo, resolved_at__lt=hi)
        | Q(first_responded_at__gte=lo, first_responded_at__lt=hi)
    )
    fields = [_DIMENSION_FIELDS[d] for d in dimensions]
    rows = (
        tickets(f)
        .filter(period)
        .annotate(
            c=_event_month("created_at", f),
            r=_event_month("resolved_at", f),
            a=_event_month("first_responded_at", f),
        )
        .values(*fields, "c", "r", "a")
        .annotate(**{name: agg for name, (_e, agg) in _PIECES.items()})
        .order_by()
    )

    def zero() -> dict[str, float]:
        return dict.fromkeys(_COUNTS, 0.0)

    total, by_month = zero(), [zero() for _ in months]
    by: dict[str, dict[object, dict[str, float]]] = {d: {} for d in dimensions}
    for row in rows:
        group = zero()
        for name, (event, _agg) in _PIECES.items():
            month = row[event]
            if month >= 0:
                value = float(row[name] or 0)
                group[name] = value
                by_month[month][name] += value
        for name in _COUNTS:
            total[name] += group[name]
        for d, field in zip(dimensions, fields, strict=True):
            acc = by[d].setdefault(row[field], zero())
            for name in _COUNTS:
                acc[name] += group[name]
    for d, model in (("team", Team), ("agent", get_user_model())):
        if d in by and (ids := [k for k in by[d] if k is not None]):
            names = _names(model, ids)
            renamed: dict[object, dict[str, float]] = {}
            for key, acc in by[d].items():
                target = renamed.setdefault(names.get(key) if key is not None else None, zero())
                for name in _COUNTS:
                    target[name] += acc[name]
            by[d] = renamed

    def ordered(groups: dict[object, dict[str, float]]) -> list[dict[str, object]]:
        keys = sorted(groups, key=lambda k: (k is None or k == "", str(k)))
        return [
            {"group": key or "—", **_service_row(groups[key])} for key in keys if any(groups[key].values())
        ]

    return {
        "total": _service_row(total),
        "by_month": [
            {"group": month, **_service_row(acc)} for month, acc in zip(months, by_month, strict=True)
        ],
        **{f"by_{d}": ordered(by[d]) for d in dimensions},
    }


def service(f: Filters, rollup: Mapping[str, object] | None = None) -> dict[str, object]:
    """First response and resolution in business minutes, FCR, SLA compliance, reopen rate, backlog now."""
    rollup = rollup if rollup is not None else service_rollup(f, ())
    out = dict(rollup["total"])  # type: ignore[call-overload]
    out["backlog"] = tickets(f).exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED]).count()
    return out


def service_by(f: Filters, dimension: str) -> list[dict[str, object]]:
    """The service numbers per team, agent, channel, type or month (one grouped query)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"by: {dimension!r} is not one of {', '.join(DIMENSIONS)}")
    rollup = service_rollup(f, () if dimension == "month" else (dimension,))
    return rollup[f"by_{dimension}"]  # type: ignore[return-value]


def backlog_trend(f: Filters, *, points: int = 12) -> list[dict[str, object]]:
    """Open tickets at the end of evenly spaced days across the period (one query, one count per point)."""
    days = max(1, (f.end - f.start).days)
    step = max(1, days // max(1, points - 1))
    marks, day = [], f.start
    while day < f.end and len(marks) < points - 1:
        marks.append(day)
        day += dt.timedelta(days=step)
    marks.append(f.end)
    aggregates = {}
    for i, mark in enumerate(marks):
        at = timezone.make_aware(dt.datetime.combine(mark + dt.timedelta(days=1), dt.time.min))
        aggregates[f"p{i}"] = Count(
            "pk", filter=Q(created_at__lt=at) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=at))
        )
    first = timezone.make_aware(dt.datetime.combine(marks[0] + dt.timedelta(days=1), dt.time.min))
    # tickets resolved before the first point are open at none of them: leave them out of the scan
    row = tickets(f).filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=first)).aggregate(**aggregates)
    return [{"day": mark.isoformat(), "open": row[f"p{i}"]} for i, mark in enumerate(marks)]


# --- the whole dashboard -------------------------------------------------------------------------


def dashboard(f: Filters) -> dict[str, object]:
    """Every number and series of the dashboard, JSON-ready."""
    rollup = service_rollup(f)
    return {
        "filters": f.as_params(),
        "csat": csat(f),
        "nps": nps(f),
        "reviews": reviews(f),
        "feedback_trend": feedback_trend(f),
        "commerce": commerce(f),
        "retention": retention(f),
        "cohorts": cohorts(f),
        "value": customer_value(f),
        "service": service(f, rollup),
        "service_by_team": rollup["by_team"],
        "service_by_channel": rollup["by_channel"],
        "service_by_agent": rollup["by_agent"],
        "service_by_type": rollup["by_type"],
        "service_by_month": rollup["by_month"],
        "backlog_trend": backlog_trend(f),
    }


class SummaryRow(tuple):  # type: ignore[type-arg]
    """A (label, value) pair of the summary that also knows its metric's key and one-line definition."""

    key: str
    definition: str

    def __new__(cls, key: str, value: str) -> SummaryRow:
        row = super().__new__(cls, (metric_label(key), value))
        row.key, row.definition = key, metric_definition(key)
        return row

    @property
    def label(self) -> str:
        return str(self[0])

    @property
    def value(self) -> str:
        return str(self[1])


def summary_rows(data: Mapping[str, Any]) -> list[SummaryRow]:
    """(label, value) lines of the headline numbers, for `pelatis metrics` and the dashboard: amounts with
    the currency, times in business hours, all in the active language ("1.234,50 €", «9 ώρ. 29 λ.»)."""
    from pelatis.core.templatetags.pelatis_ui import format_duration, format_money

    def num(v: float | None, digits: int = 0) -> str:  # in the active language: 1.234,50 in Greek
        return "—" if v is None else number_format(round(v, digits), decimal_pos=digits, force_grouping=True)

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{num(v, 1)} %"

    def money(v: float | None) -> str:
        return "—" if v is None else format_money(v)

    c, n, o, r, w = data["csat"], data["nps"], data["commerce"], data["retention"], data["reviews"]
    v, s = data["value"], data["service"]
    rows = [
        ("csat", pct(c["csat_pct"])),
        ("csat_rate", pct(c["response_rate_pct"])),
        ("nps", num(n["nps"], 1)),
        ("nps_rate", pct(n["response_rate_pct"])),
        ("reviews", num(w["reviews"])),
        ("rating", num(w["average_rating"], 2)),
        ("negative", pct(w["negative_pct"])),
        ("answered", pct(w["answered_pct"])),
        ("orders", num(o["orders"])),
        ("revenue", money(o["revenue"])),
        ("aov", money(o["average_order_value"])),
        ("frequency", num(o["purchase_frequency"], 2)),
        ("repeat", pct(o["repeat_purchase_rate_pct"])),
        ("retention", pct(r["retention_pct"])),
        ("churn", pct(r["churn_pct"])),
        ("historical_clv", money(v["historical_clv"])),
        ("predicted_clv", money(v["predicted_clv"])),
        ("first_response", format_duration(s["first_response_minutes"])),
        ("resolution", format_duration(s["resolution_minutes"])),
        ("fcr", pct(s["fcr_pct"])),
        ("sla", pct(s["sla_compliance_pct"])),
        ("reopen", pct(s["reopen_rate_pct"])),
        ("backlog", num(s["backlog"])),
    ]
    return [SummaryRow(key, value) for key, value in rows]
