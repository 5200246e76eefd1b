"""The benchmark table: each benchmark adds rows with a figure and a ratio
against a reference measured in the same run. Timings never fail anything."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table


@dataclass
class Row:
    bench: str
    measure: str
    value: str
    reference: str
    ratio: str
    target: str


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(
        self, bench: str, measure: str, value: str, *, reference: str = "", ratio: str = "", target: str = ""
    ) -> None:
        self.rows.append(Row(bench, measure, value, reference, ratio, target))
        Console(stderr=True).print(f"[dim]{bench}: {measure} = {value} {ratio}[/dim]")

    def print(self) -> None:
        table = Table(title="Pelatis benchmarks", show_lines=False)
        for col in ("benchmark", "measure", "value", "reference (same run)", "ratio", "target"):
            table.add_column(col)
        for r in self.rows:
            table.add_row(r.bench, r.measure, r.value, r.reference, r.ratio, r.target)
        Console(width=200).print(table)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of samples (seconds)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def scale(default: int) -> int:
    """Benchmarks shrink with PELATIS_BENCH_SCALE (e.g. 0.01 for a smoke run)."""
    return max(1, int(default * float(os.environ.get("PELATIS_BENCH_SCALE", "1"))))
