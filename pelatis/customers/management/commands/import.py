"""``pelatis import customers|orders FILE``: import a CSV or XLSX file with a progress bar and an error report."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pelatis.customers.importing import ImportResult, RowError, import_file

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import customers or orders from a CSV or XLSX file; nothing is written if a row is bad (see --skip-invalid)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows and report the rest")
        parser.add_argument("--report", type=Path, metavar="FILE", help="write every error and warning to this CSV file")

    def handle(self, *args: Any, kind: str, file: Path, skip_invalid: bool, report: Path | None, **options: Any) -> None:
        out = Console(file=self.stdout._out, highlight=False, soft_wrap=True)
        err = Console(file=self.stderr._out, highlight=False)
        try:
            source = file.open("rb")
        except OSError as exc:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) from exc
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with source, Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(file.name, total=None)
            result = import_file(source=source, file_name=file.name, kind=kind,  # type: ignore[arg-type]
                                 skip_invalid=skip_invalid,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total))
        self._summary(out, result, file.name)
        if report is not None:
            _write_report(report, result)
            out.print(_("Report written to %(file)s.") % {"file": report})
        if not result.written:
            raise CommandError(_("Import rejected: nothing was written."))

    def _summary(self, out: Console, result: ImportResult, name: str) -> None:
        kind = _("customers") if result.kind == "customers" else _("orders")
        out.print(_("%(file)s: %(total)d rows, %(created)d %(kind)s created, %(updated)d updated, %(invalid)d invalid rows.")
                  % {"file": name, "total": result.total, "created": result.created, "kind": kind,
                     "updated": result.updated, "invalid": result.invalid})
        for w in result.warnings:
            out.print(f"[yellow]{_('Warning')}:[/yellow] {w.column}: {w.message}", markup=True)
        if result.errors:
            table = Table(title=_("Errors"), show_lines=False)
            table.add_column(_("Row"), justify="right")
            table.add_column(_("Column"))
            table.add_column(_("Problem"))
            for e in result.errors[:SHOWN_ERRORS]:
                table.add_row(str(e.row), e.column, e.message)
            out.print(table)
            if len(result.errors) > SHOWN_ERRORS:
                out.print(_("… and %(n)d more errors (use --report FILE for all of them).")
                          % {"n": len(result.errors) - SHOWN_ERRORS})
        if result.written and result.errors:
            out.print(_("The valid rows were imported; the invalid rows were skipped."))
        elif result.written:
            out.print(_("Imported."))


def _write_report(path: Path, result: ImportResult) -> None:
    """Every error and warning as CSV (UTF-8 with BOM, so Excel shows Greek)."""
    rows: list[tuple[str, RowError]] = [("error", e) for e in result.errors] + [("warning", w) for w in result.warnings]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["row", "column", "message", "level"])
        for level, e in rows:
            writer.writerow([e.row, e.column, e.message, level])
