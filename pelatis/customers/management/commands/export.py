"""``pelatis export customers FILE``: export every customer as CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pelatis.customers.exporting import export_customers


class Command(BaseCommand):
    help = "Export customers as CSV (UTF-8 with a BOM for Excel) or XLSX, with the headers the importer reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default=None,
                            help="default: from the file name (.xlsx), else csv")
        parser.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")

    def handle(self, *args: Any, kind: str, file: Path, fmt: str | None, no_bom: bool, **options: Any) -> None:
        fmt = fmt or ("xlsx" if file.suffix.lower() == ".xlsx" else "csv")
        try:
            with file.open("wb") as dest:
                count = export_customers(dest=dest, fmt=fmt, bom=not no_bom)  # type: ignore[arg-type]
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) from exc
        self.stdout.write(_("Exported %(n)d customers to %(file)s.") % {"n": count, "file": file})
