"""Comparing the dashboard document with DuckDB's, number by number."""

from __future__ import annotations

import math
from collections.abc import Mapping

SKIP = {"computed_at"}  # stamped when the scores were stored; DuckDB reads it without a time zone


def _close(a: object, b: object, path: str) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        a, b = float(a), float(b)
        if path.endswith("revenue") or path.endswith("clv") or path.endswith("average_order_value"):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.011)  # float sums in another order
        return math.isclose(
            a, b, rel_tol=1e-9, abs_tol=0.1 + 1e-9
        )  # a rounded half-way value may round apart
    return a == b


def compare(ours: object, theirs: object, path: str = "") -> list[str]:
    """Every path where the two documents disagree."""
    if isinstance(ours, Mapping) and isinstance(theirs, Mapping):
        out = []
        for key in sorted(set(ours) | set(theirs), key=str):
            if key in SKIP:
                continue
            if key not in ours or key not in theirs:
                out.append(f"{path}.{key}: only in {'ours' if key in ours else 'DuckDB'}")
            else:
                out += compare(ours[key], theirs[key], f"{path}.{key}")
        return out
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(ours)} items (ours) vs {len(theirs)} (DuckDB)"]
        out = []
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            out += compare(a, b, f"{path}[{i}]")
        return out
    if ours is None or theirs is None:
        return [] if ours is theirs else [f"{path}: {ours!r} (ours) vs {theirs!r} (DuckDB)"]
    return [] if _close(ours, theirs, path) else [f"{path}: {ours!r} (ours) vs {theirs!r} (DuckDB)"]


def by_group(rows: object) -> dict[str, object]:
    """A service_by_* list keyed by its group: SQLite and DuckDB order NULL and accents differently."""
    assert isinstance(rows, list)
    return {str(r["group"]): r for r in rows}
