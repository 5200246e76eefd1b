"""Segments: dynamic filters over customers, evaluated in the database each time they are used.

``segment_customers(definition)`` gives the matching customers (never merged ones, nor internal customers
unless the filter asks for them), ``segment_count`` their number, ``definition_validate`` checks a filter
and names each bad rule. The fields come from the apps' ``SEGMENT_FIELDS`` (:mod:`pelatis.core.segmentfields`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet

from pelatis.core.dbrouter import replica_reads
from pelatis.customers.models import Customer

from .definition import MAX_DEPTH, MAX_RULES, definition_q, definition_validate, segment_fields

__all__ = [
    "MAX_DEPTH",
    "MAX_RULES",
    "definition_q",
    "definition_validate",
    "segment_count",
    "segment_counts",
    "segment_customers",
    "segment_fields",
]


def segment_customers(definition: Any) -> QuerySet[Customer]:
    """The customers the filter matches (one query when evaluated); ValidationError for a bad filter."""
    return Customer.objects.filter(definition_q(definition))


def segment_count(definition: Any) -> int:
    """How many customers the filter matches (one COUNT query, on the read replica when one is configured)."""
    with replica_reads():
        return segment_customers(definition).count()


def segment_counts(definitions: dict[int, Any]) -> dict[int, int | None]:
    """Counts of several filters in one query (a filtered COUNT each); None for a filter that no longer
    validates (a field whose app was removed, say)."""
    filters = {}
    for key, definition in definitions.items():
        try:
            filters[key] = definition_q(definition)
        except ValidationError:
            continue
    with replica_reads():  # counts may be a moment behind: the read replica, when one is configured
        found: dict[str, int] = (
            Customer.objects.aggregate(**{f"s{key}": Count("pk", filter=q) for key, q in filters.items()})
            if filters
            else {}
        )
    return {key: found.get(f"s{key}") if key in filters else None for key in definitions}
