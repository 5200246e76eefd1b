"""Reads that feed the models: order history as numpy arrays, straight from one query."""

from __future__ import annotations

import datetime as dt

import numpy as np

from pelatis.customers.models import Order


def order_arrays(*, until: dt.datetime) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer ids, order times as datetime64[s], totals) of every paid/placed/fulfilled order up to ``until``."""
    rows = (Order.objects.filter(placed_at__lte=until).exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
            .values_list("customer_id", "placed_at", "total"))
    ids, times, totals = [], [], []
    for cid, placed, total in rows.iterator(chunk_size=20000):
        ids.append(cid)
        times.append(placed.replace(tzinfo=None))
        totals.append(float(total))
    return (np.asarray(ids, dtype=np.int64), np.asarray(times, dtype="datetime64[s]"),
            np.asarray(totals, dtype=np.float64))
