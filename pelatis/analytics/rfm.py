"""RFM: per-customer purchase totals, 1–5 scores and named segments, vectorised (no Django).

Scores are rank based: a customer's score is ``1 + floor(5 * (rank - 1) / n)`` where ``rank`` is the
lowest rank among customers tied with them (``scipy.stats.rankdata(method="min")``) and ``n`` the
number of customers. Ties always share a score, and the most common value (one order, say) lands
in the lowest band instead of being split at random. Recency is ranked so that the most recent
buyer ranks highest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

#: Segment codes by (recency score, frequency score), rows R=1..5, columns F=1..5.
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("sleepy", "sleepy", "attention", "loyal", "loyal"),
    ("promising", "potential", "potential", "loyal", "loyal"),
    ("new", "potential", "potential", "champions", "champions"),
)


@dataclass(frozen=True)
class Totals:
    """Per customer (sorted ids): number of orders, total spent, first and last order day (days since epoch)."""

    customer_ids: NDArray[np.int64]
    orders: NDArray[np.int64]
    revenue: NDArray[np.float64]
    first_day: NDArray[np.int64]
    last_day: NDArray[np.int64]


def purchase_totals(customer_ids: ArrayLike, order_times: ArrayLike, totals: ArrayLike) -> Totals:
    """Group orders by customer with one sort; ``order_times`` are datetime64 (truncated to the day)."""
    ids = np.asarray(customer_ids, dtype=np.int64)
    days = np.asarray(order_times).astype("datetime64[D]").astype(np.int64)
    amounts = np.asarray(totals, dtype=np.float64)
    order = np.lexsort((days, ids))
    ids, days, amounts = ids[order], days[order], amounts[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if ids.size else np.zeros(0, dtype=np.intp)
    ends = np.r_[starts[1:], ids.size] - 1 if ids.size else starts
    return Totals(
        customer_ids=ids[starts],
        orders=np.diff(np.r_[starts, ids.size]).astype(np.int64),
        revenue=np.add.reduceat(amounts, starts) if ids.size else amounts,
        first_day=days[starts],
        last_day=days[ends],
    )


def score(values: ArrayLike, *, higher_is_better: bool = True) -> NDArray[np.int8]:
    """1–5 by rank (ties share the lowest rank of their group)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int8)
    ranks = np.asarray(rankdata(arr if higher_is_better else -arr, method="min"), dtype=np.float64)
    return (1 + np.floor(5.0 * (ranks - 1) / arr.size)).astype(np.int8)


def rfm_scores(
    totals: Totals, *, as_of_day: int
) -> tuple[NDArray[np.int8], NDArray[np.int8], NDArray[np.int8]]:
    """(recency, frequency, monetary) scores; recency counts days from the last order to ``as_of_day``."""
    recency_days = as_of_day - totals.last_day
    return (score(recency_days, higher_is_better=False), score(totals.orders), score(totals.revenue))


def segments(recency: ArrayLike, frequency: ArrayLike) -> NDArray[np.str_]:
    """The segment code of each (R, F) pair from :data:`SEGMENT_GRID`."""
    grid = np.array(SEGMENT_GRID)
    r = np.clip(np.asarray(recency, dtype=np.int64), 1, 5) - 1
    f = np.clip(np.asarray(frequency, dtype=np.int64), 1, 5) - 1
    return grid[r, f]
