from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from rich.console import Console
from rich.table import Table

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.overview import summary_rows
from pelatis.analytics.services import dashboard_for


class Command(BaseCommand):
    help = (
        "Print the headline numbers (CSAT, NPS, retention, churn, order value, CLV, service) for a period; "
        "default: the last twelve months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", default="", help="first day, YYYY-MM-DD")
        parser.add_argument("--end", default="", help="last day, YYYY-MM-DD (default: today)")
        for name in ("team", "agent", "channel", "type", "segment"):
            parser.add_argument(f"--{name}", default="", help=f"only this {name}")
        parser.add_argument(
            "--fresh", action="store_true", help="recompute instead of using the kept numbers"
        )
        parser.add_argument("--language", default="en", help="language of the labels (el or en)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = Filters.parse(
                {
                    k: str(options[k] or "")
                    for k in ("start", "end", "team", "agent", "channel", "type", "segment")
                }
            )
        except ValueError as exc:
            raise CommandError(f"--{exc}") from exc
        snapshot = dashboard_for(filters, refresh=options["fresh"])
        with translation.override(options["language"]):
            table = Table(title=f"Pelatis metrics {filters.start} – {filters.end}")
            table.add_column("metric")
            table.add_column("value", justify="right")
            for label, value in summary_rows(snapshot.data):
                table.add_row(str(label), value)
        # Django's OutputWrapper is a text stream, though not typed as IO[str]
        console = Console(file=cast("IO[str]", self.stdout), width=100)
        console.print(table)
        console.print(
            f"computed {timezone.localtime(snapshot.computed_at):%Y-%m-%d %H:%M} in {snapshot.seconds:.2f} s"
        )
