"""``pelatis import customers|orders FILE [--dry-run]``: import a CSV or XLSX file with a progress bar,
a preview of what changes (before → after) and an error report."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pelatis.customers.importing import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    PLATFORMS,
    Column,
    ImportResult,
    RowError,
    field_label,
    import_file,
    value_shown,
)
from pelatis.customers.importing.platforms import LABELS

SHOWN_ERRORS = 50
SHOWN_CHANGES = 50


def _columns_help(title: str, columns: tuple[Column, ...]) -> str:
    lines = [title]
    for col in columns:
        lines.append(f"  {col.name}: {', '.join(col.aliases)}")
    return "\n".join(lines)


def accepted_columns_help() -> str:
    """Every accepted header of both imports (English and Greek) and the platform exports recognised."""
    platforms = ", ".join(dict.fromkeys(p.label for p in PLATFORMS))
    return "\n\n".join(
        [
            "Accepted columns (header: other accepted headers; case, accents and punctuation are ignored; "
            'a number after email or phone, as in "Τηλέφωνο 2", adds another one):',
            _columns_help("Customers:", CUSTOMER_COLUMNS),
            _columns_help("Orders (one row per order line):", ORDER_COLUMNS),
            f"Exports recognised without mapping: {platforms} (customers; Shopify, WooCommerce and Odoo orders too). "
            "Examples: docs/import-customers-example.csv, docs/import-orders-example.csv.",
            "Updates fill empty fields and add new emails, phones, tags and addresses; --overwrite also replaces "
            "filled fields (a Greek-script name is never replaced by its Latin spelling). --dry-run prints the "
            "same preview and writes nothing. An import can be undone from its page in the web UI for 30 days.",
        ]
    )


class Command(BaseCommand):
    help = (
        "Import customers or orders from a CSV or XLSX file; nothing is written if a row is bad "
        "(see --skip-invalid), and --dry-run only shows what would change."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = accepted_columns_help()
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print the preview (counts, each change before → after) and write nothing",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace filled fields (and existing orders) with the file's values",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows and report the rest"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="read the column HEADER as FIELD (an empty FIELD leaves it out); repeatable",
        )
        parser.add_argument(
            "--report", type=Path, metavar="FILE", help="write every error and warning to this CSV file"
        )

    def handle(
        self,
        *args: Any,
        kind: Literal["customers", "orders"],
        file: Path,
        skip_invalid: bool,
        report: Path | None,
        dry_run: bool,
        overwrite: bool,
        map: list[str],
        **options: Any,
    ) -> None:  # noqa: A002 - the option's name
        out = Console(
            file=cast(TextIO, self.stdout._out), highlight=False, soft_wrap=True
        )  # the stream OutputWrapper wraps
        err = Console(file=cast(TextIO, self.stderr._out), highlight=False)
        mapping = {}
        for item in map:
            header, sep, target = item.partition("=")
            if not sep:
                raise CommandError(_('--map takes HEADER=FIELD, e.g. --map "Κινητό 2=phone".'))
            mapping[header.strip()] = target.strip()
        try:
            source = file.open("rb")
        except OSError as exc:
            raise CommandError(
                _("Cannot open %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with source, Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(file.name, total=None)
            result = import_file(
                source=source,
                file_name=file.name,
                kind=kind,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                overwrite=overwrite,
                mapping=mapping,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        self._summary(out, result, file.name)
        if report is not None:
            _write_report(report, result)
            out.print(_("Report written to %(file)s.") % {"file": report})
        if dry_run:
            out.print(_("Dry run: nothing was written."))
        elif not result.written:
            raise CommandError(_("Import rejected: nothing was written."))

    def _summary(self, out: Console, result: ImportResult, name: str) -> None:
        kind = _("customers") if result.kind == "customers" else _("orders")
        if result.platform:
            out.print(_("Recognised as an export of %(platform)s.") % {"platform": LABELS[result.platform]})
        out.print(
            _(
                "%(file)s: %(total)d rows, %(created)d %(kind)s created, %(updated)d updated, %(unchanged)d "
                "unchanged, %(invalid)d invalid rows."
            )
            % {
                "file": name,
                "total": result.total,
                "created": result.created,
                "kind": kind,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "invalid": result.invalid,
            }
        )
        for w in result.warnings:
            out.print(f"[yellow]{_('Warning')}:[/yellow] {w.column}: {w.message}", markup=True)
        if result.changes:
            self._changes(out, result)
        if result.errors:
            table = Table(title=_("Errors"), show_lines=False)
            table.add_column(_("Row"), justify="right")
            table.add_column(_("Column"))
            table.add_column(_("Problem"))
            for e in result.errors[:SHOWN_ERRORS]:
                table.add_row(str(e.row), e.column, e.message)
            out.print(table)
            if len(result.errors) > SHOWN_ERRORS:
                out.print(
                    _("… and %(n)d more errors (use --report FILE for all of them).")
                    % {"n": len(result.errors) - SHOWN_ERRORS}
                )
        if result.preview:
            return
        if result.written and result.errors:
            out.print(_("The valid rows were imported; the invalid rows were skipped."))
        elif result.written:
            out.print(_("Imported."))

    @staticmethod
    def _changes(out: Console, result: ImportResult) -> None:
        """One line per field: "Name (#id): Field: before → after", and why a value is kept."""
        out.print(_("Changes:") if not result.preview else _("Changes (nothing written yet):"))
        for change in result.changes[:SHOWN_CHANGES]:
            who = f"{change['name']} (#{change['id']})"
            for f in change["fields"]:
                note = {
                    "filled": _("kept: the field is filled (use --overwrite)"),
                    "script": _("kept: the same name in Greek"),
                }.get(f["kept"], "")
                line = f"  {who}: {field_label(f['field'])}: {value_shown(f['before'])} → {value_shown(f['after'])}"
                out.print(f"{line}  [{note}]" if note else line, markup=False)
            for a in change["added"]:
                out.print(f"  {who}: {field_label(a['field'])}: + {a['value']}", markup=False)
        if len(result.changes) > SHOWN_CHANGES:
            out.print(_("… and %(n)d more changed records.") % {"n": len(result.changes) - SHOWN_CHANGES})


def _write_report(path: Path, result: ImportResult) -> None:
    """Every error and warning as CSV (UTF-8 with BOM, so Excel shows Greek)."""
    rows: list[tuple[str, RowError]] = [("error", e) for e in result.errors] + [
        ("warning", w) for w in result.warnings
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["row", "column", "message", "level"])
        for level, e in rows:
            writer.writerow([e.row, e.column, e.message, level])
