from __future__ import annotations

import datetime as dt
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Avg, Count
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pelatis.analytics.models import CustomerValue
from pelatis.analytics.services import customer_values_refresh


class Command(BaseCommand):
    help = (
        "`clv fit [--as-of YYYY-MM-DD]`: score every customer (RFM segment), fit BG/NBD and Gamma-Gamma on the "
        "order history, store the models and each customer's predicted 12-month value, and print the parameters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit")
        fit.add_argument("--as-of", default=None, help="calibration end date (default: today)")

    def handle(self, *args: Any, action: str, as_of: str | None, **options: Any) -> None:
        try:
            end = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of: {as_of!r} is not a date such as 2026-06-30") from exc
        # Django's OutputWrapper is a text stream, though not typed as IO[str]
        console = Console(file=cast("IO[str]", self.stdout))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("Reading orders…", total=None)
            try:
                run = customer_values_refresh(
                    as_of=end,
                    note=lambda text: bar.update(task, description=text),
                    progress=lambda done, total: bar.update(
                        task, description="Storing customer scores", completed=done, total=total
                    ),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if run.fit is None:
            raise CommandError(
                f"RFM segments stored for {run.customers:,} customers, but no CLV model: {run.why_not_fitted}"
            )
        fit = run.fit
        stats = CustomerValue.objects.aggregate(n=Count("pk"), mean=Avg("clv"), alive=Avg("p_alive"))
        table = Table(title=f"Customer lifetime value models, orders up to {fit.as_of} (time unit: weeks)")
        table.add_column("model")
        table.add_column("parameters")
        table.add_row("BG/NBD", ", ".join(f"{k}={v:.4f}" for k, v in fit.purchase_params.items()))
        table.add_row("Gamma-Gamma", ", ".join(f"{k}={v:.4f}" for k, v in fit.spend_params.items()))
        table.add_row("customers", f"{fit.customers:,} ({fit.distinct_rows:,} distinct rows)")
        table.add_row(
            "12-month CLV", f"mean {stats['mean'] or 0:.2f}; mean P(alive) {stats['alive'] or 0:.3f}"
        )
        table.add_row("stored", f"{stats['n']:,} customer scores")
        table.add_row("time", f"{run.seconds:.2f} s")
        console.print(table)
