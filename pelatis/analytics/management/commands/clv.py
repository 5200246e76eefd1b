from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from pelatis.analytics.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value, rfm_summary
from pelatis.analytics.queries import order_arrays


class Command(BaseCommand):
    help = "`clv fit [--as-of YYYY-MM-DD]`: fit BG/NBD and Gamma-Gamma on the order history and print the parameters."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit")
        fit.add_argument("--as-of", default=None, help="calibration end date (default: today)")

    def handle(self, *args: Any, action: str, as_of: str | None, **options: Any) -> None:
        try:
            end = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of: {as_of!r} is not a date such as 2026-06-30") from exc
        until = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
        console = Console(file=self.stdout)
        started = time.perf_counter()
        with console.status("Reading orders…"):
            ids, times, totals = order_arrays(until=until)
        if ids.size == 0:
            raise CommandError("no orders up to that date: nothing to fit")
        summary = rfm_summary(ids, times, totals, as_of=np.datetime64(end.isoformat()), unit_days=7.0)
        if int((summary.frequency > 0).sum()) < 10:
            raise CommandError("fewer than 10 customers bought twice: too little history to fit")
        with console.status("Fitting BG/NBD…"):
            bg = BetaGeoModel()
            bg_params = bg.fit(summary.frequency, summary.recency, summary.T)
        with console.status("Fitting Gamma-Gamma…"):
            gg = GammaGammaModel()
            gg_params = gg.fit(summary.frequency, summary.monetary_value)
        clv = customer_lifetime_value(bg, gg, summary.frequency, summary.recency, summary.T, summary.monetary_value,
                                      time_months=12, discount_rate=0.01, freq="W")
        table = Table(title=f"Customer lifetime value models, orders up to {end} (time unit: weeks)")
        table.add_column("model")
        table.add_column("parameters")
        table.add_row("BG/NBD", ", ".join(f"{k}={v:.4f}" for k, v in asdict(bg_params).items()))
        table.add_row("Gamma-Gamma", ", ".join(f"{k}={v:.4f}" for k, v in asdict(gg_params).items()))
        table.add_row("customers", f"{len(summary):,} ({bg.n_distinct_:,} distinct rows)")
        table.add_row("12-month CLV", f"median {np.nanmedian(clv):.2f}, mean {np.nanmean(clv):.2f}, top 1% ≥ "
                      f"{np.nanquantile(clv, 0.99):.2f}")
        table.add_row("time", f"{time.perf_counter() - started:.2f} s")
        console.print(table)
