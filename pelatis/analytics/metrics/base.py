"""What every metric shares: the :class:`Filters` of a period, its days and months, rounding, and the
narrowing of tickets and orders by the filters.

Every metric takes :class:`Filters` and returns a plain JSON-ready document (:data:`Json`), so a whole
dashboard can be cached as one. Nothing here loops over customers or tickets in Python: the loops are
over months, weeks or the five RFM scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from pelatis.customers.models import Order
from pelatis.helpdesk.models import Ticket

from ..models import Segment

#: A metric's result: plain JSON values (numbers, strings, None, lists and dicts of them).
Json = dict[str, Any]

SOLD = ~Q(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])


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

        def text(name: str) -> str:
            return (data.get(name) or "").strip()

        def day(name: str, default: dt.date) -> dt.date:
            raw = text(name)
            try:
                return dt.date.fromisoformat(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name}: {raw!r} is not a date such as 2026-06-30") from None

        def ident(name: str) -> int | None:
            raw = text(name)
            if raw and not raw.isdigit():
                raise ValueError(f"{name}: {raw!r} is not an id")
            return int(raw) if raw else None

        start, end = day("start", base.start), day("end", base.end)
        team, agent = ident("team"), ident("agent")
        channel, type_, segment = (text(name)[:20] for name in ("channel", "type", "segment"))
        if segment and segment not in Segment.values:
            raise ValueError(f"segment: {segment!r} is not one of {', '.join(Segment.values)}")
        if end < start:
            raise ValueError("end: the period ends before it starts")
        return cls(start, end, team, agent, channel, type_, segment)

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.as_params(), sort_keys=True).encode()).hexdigest()

    def as_params(self) -> dict[str, object]:
        return {
            f.name: (v.isoformat() if isinstance(v, dt.date) else v)
            for f in fields(self)
            if (v := getattr(self, f.name)) not in (None, "")
        }


# --- numbers -------------------------------------------------------------------------------------


def pct(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when there is no whole."""
    return round(100.0 * (part or 0) / whole, 1) if whole else None


def ratio(part: float | None, whole: float | None, digits: int = 2) -> float | None:
    return round((part or 0) / whole, digits) if whole else None


def rounded(value: float | None, digits: int = 2) -> float | None:
    """An average rounded for display; None (no rows, nothing scored) stays None."""
    return round(float(value), digits) if value is not None else None


def mean(total: float, n: float, digits: int) -> float | None:
    """``total / n`` rounded, or None when nothing was counted."""
    return round(total / n, digits) if n else None


# --- the period ----------------------------------------------------------------------------------


def span(f: Filters) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the business time zone."""
    start = timezone.make_aware(dt.datetime.combine(f.start, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min))


def months_of(f: Filters) -> list[str]:
    """Every 'YYYY-MM' the period touches, in order."""
    out, day = [], f.start.replace(day=1)
    while day <= f.end:
        out.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def month_starts(f: Filters) -> list[dt.datetime]:
    """The first moment of every month the period touches, in the business time zone."""
    return [
        timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(f"{m}-01"), dt.time.min))
        for m in months_of(f)
    ]


def month_case(column: str, starts: list[dt.datetime]) -> tuple[str, list[object]]:
    """SQL giving the index of the period's month a timestamp falls in (rows are already inside the
    period): plain comparisons with the month boundaries, so no date function runs per row."""
    adapt = connection.ops.adapt_datetimefield_value
    whens = " ".join(f"WHEN {column} < %s THEN {i}" for i in range(len(starts) - 1))
    sql = f"CASE {whens} ELSE {len(starts) - 1} END" if whens else "0"
    return sql, [adapt(start) for start in starts[1:]]


def event_month(field: str, f: Filters) -> Case:
    """The index of the period's month ``field`` falls in, or -1 when it is empty or outside the period."""
    lo, hi = span(f)
    starts = month_starts(f)
    outside = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": lo}) | Q(**{f"{field}__gte": hi})
    return Case(
        When(outside, then=Value(-1)),
        *(When(**{f"{field}__lt": start}, then=Value(i)) for i, start in enumerate(starts[1:])),
        default=Value(len(starts) - 1),
    )


# --- narrowing -----------------------------------------------------------------------------------


def customer_q(f: Filters, path: str = "customer") -> Q:
    return Q(**{f"{path}__value__segment": f.segment}) if f.segment else Q()


def ticket_q(f: Filters, path: str = "") -> Q:
    p = f"{path}__" if path else ""
    q = Q(**{f"{p}merged_into__isnull": True}) & customer_q(f, f"{p}customer")
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
    return Ticket.objects.filter(ticket_q(f))


def orders(f: Filters) -> QuerySet[Order]:
    return Order.objects.filter(SOLD, customer_q(f))
