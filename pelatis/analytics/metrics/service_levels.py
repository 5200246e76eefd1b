"""How well we serve: first response and resolution in business minutes, first-contact resolution,
SLA compliance, reopen rate and backlog, for the period, per month and per team, agent, channel and
type (definitions in docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Aggregate, Count, Q, Sum
from django.utils import timezone

from pelatis.helpdesk.models import Team, Ticket

from .base import Filters, Json, event_month, mean, months_of, pct, span, tickets

DIMENSIONS = ("team", "agent", "channel", "type", "month")

# Grouped by the ticket's own columns (no join per ticket); team and agent ids get their names afterwards.
_DIMENSION_FIELDS = {"team": "team_id", "agent": "assignee_id", "channel": "channel", "type": "type"}

# What each piece counts, and which event's month it belongs to (c: created, r: resolved, a: first answer).
_DECIDED = Q(sla_policy__isnull=False) & (Q(sla_breached=True) | Q(resolved_at__isnull=False))
_PIECES: dict[str, tuple[str, Aggregate]] = {
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

#: The pieces added up for one group (the period, a month, a team…), by piece name.
Counts = dict[str, float]


def _zero() -> Counts:
    return dict.fromkeys(_COUNTS, 0.0)


def _add(into: Counts, more: Mapping[str, float]) -> None:
    for name in _COUNTS:
        into[name] += more[name]


def _service_row(acc: Mapping[str, float]) -> Json:
    return {
        "created": int(acc["created"]),
        "resolved": int(acc["resolved"]),
        "first_response_minutes": mean(acc["frt_sum"], acc["frt_n"], 1),
        "resolution_minutes": mean(acc["res_sum"], acc["res_n"], 1),
        "fcr_pct": pct(acc["one_touch"], acc["answered_resolved"]),
        "sla_compliance_pct": pct(acc["sla_met"], acc["sla_decided"]),
        "reopen_rate_pct": pct(acc["reopened"], acc["ever_resolved"]),
    }


def _names(model: Any, ids: list[Any]) -> dict[Any, str]:
    """Team names, or agents as staff know them: their full name, their login only when they have none."""
    if model is Team:
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = model.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "username")
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}


def _named(groups: dict[object, Counts], model: Any) -> dict[object, Counts]:
    """Groups keyed by team or agent id, re-keyed by name (two ids with one name add up)."""
    ids = [k for k in groups if k is not None]
    if not ids:
        return groups
    names = _names(model, ids)
    renamed: dict[object, Counts] = {}
    for key, acc in groups.items():
        _add(renamed.setdefault(names.get(key) if key is not None else None, _zero()), acc)
    return renamed


def _ordered(groups: dict[object, Counts]) -> list[Json]:
    keys = sorted(groups, key=lambda k: (k is None or k == "", str(k)))
    return [{"group": key or "—", **_service_row(groups[key])} for key in keys if any(groups[key].values())]


def service_rollup(f: Filters, dimensions: tuple[str, ...] = ("team", "agent", "channel", "type")) -> Json:
    """The service numbers for the whole period, per month, and per team, agent, channel and type, from
    ONE grouped scan of the period's tickets. The query groups by the dimensions and by the months in
    which each ticket was created, first answered and resolved (plain comparisons, no date function);
    each piece is then added to its event's month, and groups are added up here (a few thousand rows,
    never one per ticket)."""
    lo, hi = span(f)
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
            c=event_month("created_at", f),
            r=event_month("resolved_at", f),
            a=event_month("first_responded_at", f),
        )
        .values(*fields, "c", "r", "a")
        .annotate(**{name: agg for name, (_e, agg) in _PIECES.items()})
        .order_by()
    )
    total, by_month = _zero(), [_zero() for _ in months]
    by: dict[str, dict[object, Counts]] = {d: {} for d in dimensions}
    for row in rows:
        group = _zero()
        for name, (event, _agg) in _PIECES.items():
            month = row[event]
            if month >= 0:
                value = float(row[name] or 0)
                group[name] = value
                by_month[month][name] += value
        _add(total, group)
        for d, field in zip(dimensions, fields, strict=True):
            _add(by[d].setdefault(row[field], _zero()), group)
    for d, model in (("team", Team), ("agent", get_user_model())):
        if d in by:
            by[d] = _named(by[d], model)
    return {
        "total": _service_row(total),
        "by_month": [
            {"group": month, **_service_row(acc)} for month, acc in zip(months, by_month, strict=True)
        ],
        **{f"by_{d}": _ordered(by[d]) for d in dimensions},
    }


def service(f: Filters, rollup: Json | None = None) -> Json:
    """First response and resolution in business minutes, FCR, SLA compliance, reopen rate, backlog now."""
    rollup = rollup if rollup is not None else service_rollup(f, ())
    out = dict(rollup["total"])
    out["backlog"] = tickets(f).exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED]).count()
    return out


def service_by(f: Filters, dimension: str) -> list[Json]:
    """The service numbers per team, agent, channel, type or month (one grouped query)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"by: {dimension!r} is not one of {', '.join(DIMENSIONS)}")
    rollup = service_rollup(f, () if dimension == "month" else (dimension,))
    rows: list[Json] = rollup[f"by_{dimension}"]
    return rows


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the business time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def backlog_trend(f: Filters, *, points: int = 12) -> list[Json]:
    """Open tickets at the end of evenly spaced days across the period (one query, one count per point)."""
    days = max(1, (f.end - f.start).days)
    step = max(1, days // max(1, points - 1))
    marks: list[dt.date] = []
    day = f.start
    while day < f.end and len(marks) < points - 1:
        marks.append(day)
        day += dt.timedelta(days=step)
    marks.append(f.end)
    aggregates = {
        f"p{i}": Count(
            "pk",
            filter=Q(created_at__lt=_end_of(mark))
            & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=_end_of(mark))),
        )
        for i, mark in enumerate(marks)
    }
    first = _end_of(marks[0])
    # tickets resolved before the first point are open at none of them: leave them out of the scan
    row = tickets(f).filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=first)).aggregate(**aggregates)
    return [{"day": mark.isoformat(), "open": row[f"p{i}"]} for i, mark in enumerate(marks)]
