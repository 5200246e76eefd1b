"""``pelatis retention [--dry-run]``: run the retention policies of every app and print the count of each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pelatis.privacy.retention import retention_run


class Command(BaseCommand):
    help = "Run the retention policies (anonymise inactive customers, purge old mail, expire survey links)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what each policy would remove; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        run = retention_run(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for name, count in run.counts.items():
            self.stdout.write(f"{name}: {'off' if count is None else f'{count} {verb}'}")
        for name, error in run.errors.items():
            self.stderr.write(f"{name}: failed: {error}")
        self.stdout.write(f"run {run.pk}{' (dry run)' if dry_run else ''}")
        if run.errors:
            raise SystemExit(1)
