"""Ready-made ``build(op, value, within_days) -> Q`` functions for segment fields, all set-based.

- :func:`column` and friends compare a Customer column (or a one-to-one path such as ``value__segment``).
- :func:`related` matches a row of a table that points at the customer (an address's city, an order
  line's category): ``pk IN (SELECT customer ...)`` for "has one", ``NOT EXISTS`` for "has none".
- :func:`aggregate` compares a per-customer total (order count, spend) with ``GROUP BY ... HAVING``;
  customers with no rows count as zero, without scanning them one by one.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

Builder = Callable[[str, Any, "int | None"], Q]
Rows = Callable[[], "QuerySet[Any]"]

# A negative operator is "not (the positive one)"; on a related table it reads "has no such row".
_NEGATIVE = {"ne": "eq", "not_in": "in", "none": "any"}
_SUFFIX = {
    "eq": "",
    "contains": "__icontains",
    "startswith": "__istartswith",
    "gt": "__gt",
    "gte": "__gte",
    "lt": "__lt",
    "lte": "__lte",
    "before": "__lt",
    "after": "__gt",
    "in": "__in",
    "any": "__in",
}


def absent(rows: QuerySet[Any]) -> Q:
    """``NOT EXISTS (rows)`` as a Q (``rows`` is correlated with ``OuterRef("pk")``)."""
    return Q(~Exists(rows))


def lookup(path: str, op: str, value: Any) -> Q:
    """The positive comparison ``path <op> value`` (``between`` is inclusive at both ends)."""
    if op == "between":
        return Q(**{f"{path}__gte": value[0], f"{path}__lte": value[1]})
    return Q(**{f"{path}{_SUFFIX[op]}": value})


def _empty(path: str, blank: bool) -> Q:
    return Q(**{f"{path}__isnull": True}) | Q(**{path: ""}) if blank else Q(**{f"{path}__isnull": True})


def column(path: str, *, blank: bool = False) -> Builder:
    """A Customer column (or a to-one path); ``blank`` text columns count "" as empty."""

    def build(op: str, value: Any, within: int | None) -> Q:
        if op == "isnull":
            return _empty(path, blank)
        if op == "notnull":
            return ~_empty(path, blank)
        if op in _NEGATIVE:
            return ~lookup(path, _NEGATIVE[op], value)
        return lookup(path, op, value)

    return build


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the business's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def column_date(path: str, *, moment: bool = False) -> Builder:
    """A date column, or with ``moment`` a date-time column compared by the business's calendar day."""

    def build(op: str, value: Any, within: int | None) -> Q:
        if op in ("isnull", "notnull"):
            empty = Q(**{f"{path}__isnull": True})
            return empty if op == "isnull" else ~empty
        if not moment:
            return lookup(path, op, value)
        one = dt.timedelta(days=1)
        if op == "before":
            return Q(**{f"{path}__lt": day_start(value)})
        if op == "after":
            return Q(**{f"{path}__gte": day_start(value + one)})
        low, high = (value, value) if op == "eq" else value
        return Q(**{f"{path}__gte": day_start(low), f"{path}__lt": day_start(high + one)})

    return build


def cutoff(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def column_days_ago(path: str) -> Builder:
    """A date-time column as "within the last N days" (lt) or "more than N days ago" (gt)."""

    def build(op: str, value: Any, within: int | None) -> Q:
        if op in ("isnull", "notnull"):
            empty = Q(**{f"{path}__isnull": True})
            return empty if op == "isnull" else ~empty
        return Q(**{f"{path}__{'gte' if op == 'lt' else 'lt'}": cutoff(value)})

    return build


def _windowed(rows: Rows, when: str | None, within: int | None) -> QuerySet[Any]:
    base = rows().order_by()
    if when and within:
        base = base.filter(**{f"{when}__gte": cutoff(within)})
    return base


def related(rows: Rows, path: str, *, customer: str = "customer", when: str | None = None) -> Builder:
    """Customers with (or, for ne / not_in / none / isnull, without) a matching row; ``when`` names the
    row's date-time for windowed fields ("bought category X in the last 90 days")."""

    def build(op: str, value: Any, within: int | None) -> Q:
        base = _windowed(rows, when, within)
        if op in ("isnull", "notnull"):
            match = ~_empty(path, blank=True)
            op = "not_in" if op == "isnull" else "in"
        else:
            match = lookup(path, _NEGATIVE.get(op, op), value)
        if op in _NEGATIVE:
            return absent(base.filter(match, **{customer: OuterRef("pk")}))
        return Q(pk__in=base.filter(match).values(customer))

    return build


def related_days_ago(rows: Rows, when: str, *, customer: str = "customer") -> Builder:
    """How long ago the customer's latest row was ("last purchase more than 90 days ago")."""

    def build(op: str, value: Any, within: int | None) -> Q:
        base = rows().order_by()
        if op == "isnull":
            return absent(base.filter(**{customer: OuterRef("pk")}))
        if op == "notnull":
            return Q(pk__in=base.values(customer))
        if op == "lt":
            return Q(pk__in=base.filter(**{f"{when}__gte": cutoff(value)}).values(customer))
        latest = base.values(customer).annotate(latest=Max(when)).filter(latest__lt=cutoff(value))
        return Q(pk__in=latest.values(customer))

    return build


_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def holds(op: str, left: Any, value: Any) -> bool:
    """Whether ``left <op> value`` in Python (what a customer with no rows, i.e. zero, gets)."""
    if op == "between":
        return bool(value[0] <= left <= value[1])
    return _HOLDS[op](left, value)


def aggregate(
    rows: Rows,
    expression: Any,
    *,
    customer: str = "customer",
    when: str | None = None,
    zero: Any = Decimal(0),
) -> Builder:
    """A per-customer total compared with a number. Customers without rows have ``zero``: when the
    condition holds for zero they are added with one NOT EXISTS, never listed."""

    def build(op: str, value: Any, within: int | None) -> Q:
        base = _windowed(rows, when, within)
        condition = ~lookup("total", "eq", value) if op == "ne" else lookup("total", op, value)
        groups = base.values(customer).annotate(total=expression).filter(condition)
        found = Q(pk__in=groups.values(customer))
        if holds(op, zero, value):
            return found | absent(base.filter(**{customer: OuterRef("pk")}))
        return found

    return build


def count_of(rows: Rows, **kwargs: Any) -> Builder:
    """The number of rows per customer (e.g. orders)."""
    return aggregate(rows, Count("pk"), zero=0, **kwargs)


def tag_set(rows: Rows, *, name: str = "tag__name", customer: str = "customer") -> Builder:
    """Tags by name on a customer-to-tag table: any of, all of, none of."""

    def build(op: str, value: Any, within: int | None) -> Q:
        base = rows().order_by()
        chosen = base.filter(**{f"{name}__in": value})
        if op == "none":
            return absent(chosen.filter(**{customer: OuterRef("pk")}))
        if op == "all" and len(value) > 1:
            groups = chosen.values(customer).annotate(n=Count(name, distinct=True)).filter(n=len(value))
            return Q(pk__in=groups.values(customer))
        return Q(pk__in=chosen.values(customer))

    return build
