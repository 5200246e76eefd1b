"""Array helpers the models share: float arrays, distinct rows and distinct values with their counts."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def as_float(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def compress_rows(*columns: ArrayLike) -> tuple[tuple[FloatArray, ...], FloatArray, NDArray[np.intp]]:
    """Distinct rows of the given equal-length columns.

    Returns ``(distinct_columns, counts, inverse)`` with ``column[i] == distinct_column[inverse[i]]``;
    ``counts`` are the multiplicities used as likelihood weights.
    """
    cols = [np.asarray(c, dtype=np.float64).reshape(-1) for c in columns]
    n = cols[0].size
    if any(c.size != n for c in cols):
        raise ValueError("columns must have equal length")
    if n == 0:
        return tuple(c.copy() for c in cols), np.zeros(0), np.zeros(0, dtype=np.intp)
    # np.lexsort on the columns is several times faster than np.unique(axis=0) on a stacked array
    order = np.lexsort(cols[::-1])
    sorted_cols = [c[order] for c in cols]
    new_row = np.zeros(n, dtype=bool)
    new_row[0] = True
    for c in sorted_cols:  # loop over the few columns, not over rows
        new_row[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(new_row)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new_row) - 1
    counts = np.diff(np.append(starts, n)).astype(np.float64)
    return tuple(c[starts] for c in sorted_cols), counts, inverse


def codes(column: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
    """Distinct values of a column and each row's index among them (``np.unique`` with the inverse).

    Summaries hold whole days, or whole days over 7 (weeks): then the values are small integers in
    disguise, and a counting pass replaces the sort.
    """
    if column.size and column.min() >= 0 and column.max() < 1e6:
        for unit in (1.0, 7.0):
            scaled = column * unit
            whole = np.rint(scaled)
            if np.array_equal(scaled, whole):
                ints = whole.astype(np.intp)
                present = np.bincount(ints) > 0
                rank = np.cumsum(present) - 1
                values = np.flatnonzero(present) / unit
                return values, rank[ints]
    values, inverse = np.unique(column, return_inverse=True)
    return values, inverse.reshape(-1)
