"""Enrolment: every candidate a trigger finds becomes one Enrollment row in one INSERT … SELECT, with
the unique (journey, customer, occurrence) making a second run add nothing.

The audience segment restricts the candidates in the same statement, and the hold-out group is chosen
in it too: a deterministic hash of the journey and the customer, so a customer is in or out of a
journey's hold-out group whatever the run, the worker or the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)

from ..models import Enrollment, Journey, Segment
from .triggers import candidates

# Fibonacci hashing: (customer + journey * B) * A modulo 2**32, where A = 2**32 / golden ratio (Knuth),
# scaled to 0–99 by its high bits. Consecutive ids land far apart (the three-distance theorem), so any
# run of ids, a small audience or a day's sign-ups, is split at the hold-out percentage, and the same
# integer arithmetic runs in SQLite and PostgreSQL (64-bit, no overflow below 3·10⁹ customers).
HASH_A = 2654435761
HASH_B = 40503
HASH_M = 2**32


def holdout_bucket(journey_id: int, customer_id: int) -> int:
    """The customer's bucket (0–99) for this journey; buckets below holdout_percent are held out."""
    return ((customer_id + journey_id * HASH_B) * HASH_A % HASH_M) * 100 // HASH_M


def _bucket_expression(journey_id: int) -> ExpressionWrapper[Any]:
    mixed = ((F("j_customer") + Value(journey_id * HASH_B)) * Value(HASH_A)) % Value(HASH_M)
    return ExpressionWrapper(mixed * Value(100) / Value(HASH_M), output_field=IntegerField())


def _audience_ids(journey: Journey) -> QuerySet[Any] | None:
    if journey.audience_id is None:
        return None
    from ..segments import segment_customers  # the segment evaluator (owned by segments)

    definition = Segment.objects.filter(pk=journey.audience_id).values_list("definition", flat=True).get()
    ids: QuerySet[Any] = segment_customers(definition).values("pk")
    return ids


def _first_delay(journey: Journey) -> dt.timedelta:
    first = journey.steps.order_by("position").values_list("delay_days", flat=True).first()
    return dt.timedelta(days=first or 0)


def _insert(journey: Journey, queryset: QuerySet[Any], first_delay: dt.timedelta, now: dt.datetime) -> int:
    audience = _audience_ids(journey)
    if audience is not None:
        queryset = queryset.filter(j_customer__in=audience)
    status: Any = Value(Enrollment.Status.ACTIVE.value, output_field=CharField())
    if journey.holdout_percent:
        queryset = queryset.annotate(j_bucket=_bucket_expression(journey.pk))
        status = Case(
            When(j_bucket__lt=journey.holdout_percent, then=Value(Enrollment.Status.HELD_OUT.value)),
            default=status,
            output_field=CharField(),
        )
    queryset = queryset.annotate(
        j_status=status,
        j_due=ExpressionWrapper(F("j_anchor") + Value(first_delay), output_field=DateTimeField())
        if first_delay
        else F("j_anchor"),
    ).values("j_customer", "j_occurrence", "j_anchor", "j_status", "j_due")
    select_sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(Enrollment._meta.db_table)
    # WHERE true: SQLite needs it to tell the upsert's ON CONFLICT from a join's ON.
    sql = (
        f"INSERT INTO {table} (journey_id, customer_id, occurrence, anchor_at, next_position, "  # noqa: S608 — names from the model, values bound
        "next_due_at, status, exit_reason, created_at) "
        "SELECT %s, s.j_customer, s.j_occurrence, s.j_anchor, 1, s.j_due, s.j_status, '', %s "
        f"FROM ({select_sql}) s WHERE true ON CONFLICT DO NOTHING"
    )
    created = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [journey.pk, created, *params])
        inserted: int = cursor.rowcount
    return max(inserted, 0)


def journey_enrol(*, journey: Journey, now: dt.datetime) -> int:
    """Enrol everyone the journey's trigger finds at ``now`` (set-based, idempotent); how many entered."""
    if not journey.active or not journey.steps.exists():
        return 0
    first_delay = _first_delay(journey)
    entered = 0
    with transaction.atomic():
        for batch in candidates(journey, now):
            entered += _insert(journey, batch.queryset, first_delay, now)
    return entered
