"""Reads that feed the models: order history as numpy arrays, straight from one query."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connections, router
from django.utils import timezone
from numpy.typing import NDArray

from pelatis.customers.models import Order

CHUNK = 100_000

# Order time as whole seconds since 1970 and the total as a float, computed by the database so that
# no datetime or Decimal object is built per row.
_EPOCH = {
    "sqlite": "CAST(strftime('%%s', {col}) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)",
}
_FLOAT = {"sqlite": "CAST({col} AS REAL)", "postgresql": "CAST({col} AS DOUBLE PRECISION)"}


def order_arrays(
    *, until: dt.datetime
) -> tuple[NDArray[np.int64], NDArray[np.datetime64], NDArray[np.float64]]:
    """(customer ids, order times as datetime64[s] on the business's wall clock, totals) of every sold order up to ``until``."""
    qs = (
        Order.objects.filter(placed_at__lte=until)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .order_by()
        .values_list("customer_id", "placed_at", "total")
    )
    # the replica inside replica_reads() (the dashboard), like the ORM's reads
    connection = connections[router.db_for_read(Order)]
    vendor = connection.vendor  # sqlite or postgresql, the two databases Pelatis runs on
    sql, params = qs.query.sql_with_params()
    qn = connection.ops.quote_name
    table = qn(Order._meta.db_table)
    placed, total = f"{table}.{qn('placed_at')}", f"{table}.{qn('total')}"
    head, _sep, tail = sql.partition(" FROM ")
    select = (
        f"SELECT {table}.{qn('customer_id')}, {_EPOCH[vendor].format(col=placed)}, "
        f"{_FLOAT[vendor].format(col=total)}"
    )
    parts: list[NDArray[np.float64]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"{select} FROM {tail}", params)
        while rows := cursor.fetchmany(CHUNK):
            parts.append(np.asarray(rows, dtype=np.float64).reshape(-1, 3))
    data = np.concatenate(parts) if parts else np.zeros((0, 3))
    return (
        data[:, 0].astype(np.int64),
        _local(data[:, 1].astype(np.int64)).astype("datetime64[s]"),
        data[:, 2].copy(),
    )


def _local(utc_seconds: NDArray[np.int64]) -> NDArray[np.int64]:
    """UTC epoch seconds shifted to the business time zone's wall clock, so days are the business's
    days (the offset is looked up once per distinct UTC hour)."""
    if utc_seconds.size == 0:
        return utc_seconds
    tz = timezone.get_current_timezone()
    hours, inverse = np.unique(utc_seconds // 3600, return_inverse=True)
    offsets = np.array([_offset_seconds(int(h) * 3600, tz) for h in hours], dtype=np.int64)
    return utc_seconds + offsets[inverse.reshape(-1)]


def _offset_seconds(utc_seconds: int, tz: dt.tzinfo) -> float:
    """The zone's offset from UTC at that moment, in seconds (an aware moment always has one)."""
    offset = dt.datetime.fromtimestamp(utc_seconds, tz).utcoffset()
    return offset.total_seconds() if offset is not None else 0.0
