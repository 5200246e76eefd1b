"""What the dashboard data generators share: the clock, Django's SQLite text form of times, bulk inserts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

TZ = "Europe/Athens"
EPOCH = np.datetime64("1970-01-01T00:00:00", "s")
CHUNK = 500_000
DAY = 86400.0

Rows = Callable[[int, int], list[tuple[Any, ...]]]  # rows [start, end) of a table, as tuples


def ts(seconds: npt.ArrayLike) -> list[str | None]:
    """Unix seconds (float, NaN for NULL) → Django's SQLite text form 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    values = np.asarray(seconds, dtype=np.float64)
    missing = np.isnan(values)
    text = np.datetime_as_string(
        EPOCH + np.where(missing, 0, values).astype(np.int64).astype("timedelta64[s]")
    )
    out = np.char.replace(text, "T", " ").astype(object)
    out[missing] = None
    result: list[str | None] = out.tolist()
    return result


def nullable(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> list[Any]:
    """values as a list, None where missing."""
    out = values.astype(object)
    out[missing] = None
    result: list[Any] = out.tolist()
    return result


def insert(raw: Any, table: str, columns: list[str], rows: Rows, n: int) -> None:
    """rows(start, end) for 0..n inserted into table, a transaction per CHUNK rows."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for start in range(0, n, CHUNK):
        raw.execute("BEGIN")
        raw.executemany(sql, rows(start, min(n, start + CHUNK)))
        raw.execute("COMMIT")
