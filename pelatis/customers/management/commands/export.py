"""``pelatis export customers FILE``: export every customer as CSV or XLSX, for people or programs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pelatis.core.audit import Action, audit_record
from pelatis.core.tabular import layout_for
from pelatis.customers.exporting import export_customers


class Command(BaseCommand):
    help = (
        "Export customers as CSV (UTF-8 with a BOM for Excel) or XLSX. By default the file is for people, "
        "in the business's language (PELATIS_LANGUAGE; Greek: ';' between fields, decimal comma, dd/mm/yyyy, "
        "Greek headers and values); --machine writes ',', ISO dates and the importer's English keys. "
        "Either form imports back with `pelatis import customers`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["customers"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["csv", "xlsx"],
            default=None,
            help="default: from the file name (.xlsx), else csv",
        )
        parser.add_argument(
            "--machine",
            action="store_true",
            help="for programs: ',' between fields, decimal point, ISO dates, English keys",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="the language of the headers and values (default: PELATIS_LANGUAGE)",
        )
        parser.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")

    def handle(
        self,
        *args: Any,
        kind: str,
        file: Path,
        fmt: Literal["csv", "xlsx"] | None,
        machine: bool,
        language: str | None,
        no_bom: bool,
        **options: Any,
    ) -> None:
        fmt = fmt or ("xlsx" if file.suffix.lower() == ".xlsx" else "csv")
        layout = layout_for(language or settings.LANGUAGE_CODE, machine=machine)
        try:
            with file.open("wb") as dest:
                count = export_customers(dest=dest, fmt=fmt, bom=not no_bom, layout=layout)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        # From the command line: no user, no address; the file's path is not kept.
        audit_record(Action.EXPORT, detail=f"customers {fmt.upper()} (command line): rows={count}")
        self.stdout.write(_("Exported %(n)d customers to %(file)s.") % {"n": count, "file": file})
