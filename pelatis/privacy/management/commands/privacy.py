"""``pelatis privacy export CUSTOMER_ID [--out FILE.zip]`` and ``pelatis privacy erase CUSTOMER_ID
[--reason TEXT] [--yes]``: the rights of access and erasure from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from pelatis.customers.models import Customer
from pelatis.privacy.rights.erase import ErasureSummary, customer_erase
from pelatis.privacy.rights.export import customer_export_file, export_toc
from pelatis.privacy.rights.labels import app_label, item_label


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(str(m) for messages in error.message_dict.values() for m in messages)
    return " ".join(str(m) for m in error.messages)


class Command(BaseCommand):
    help = (
        "Data-subject rights: `export CUSTOMER_ID` writes everything held about the customer to a ZIP "
        "(its path on the last line); `erase CUSTOMER_ID --reason TEXT` anonymises the customer in every app, "
        "keeping the numbers (asks first unless --yes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the customer's personal data to a ZIP")
        export.add_argument("customer_id", type=int)
        export.add_argument(
            "--out",
            type=Path,
            default=None,
            help="the ZIP to write on this machine (default: in the data folder's exports/privacy/)",
        )
        export.add_argument("--language", default=None, help="default: the customer's language")
        erase = sub.add_parser("erase", help="anonymise the customer in every app")
        erase.add_argument("customer_id", type=int)
        erase.add_argument("--reason", default="", help="why (e.g. the customer's request of 12/03)")
        erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        erase.add_argument("--dry-run", action="store_true", help="only count what would be erased")

    def handle(self, *args: Any, action: str, customer_id: int, **options: Any) -> None:
        self.out = Console(file=cast(TextIO, self.stdout._out), highlight=False, soft_wrap=True)
        if not Customer.objects.filter(pk=customer_id).exists():
            raise CommandError(_("There is no customer %(id)s.") % {"id": customer_id})
        if action == "export":
            self._export(customer_id, out=options["out"], language=options["language"])
        else:
            self._erase(customer_id, reason=options["reason"], yes=options["yes"], dry_run=options["dry_run"])

    def _export(self, customer_id: int, *, out: Path | None, language: str | None) -> None:
        if out is not None and not out.parent.is_dir():
            raise CommandError(_("Cannot write %(file)s: no such folder.") % {"file": out})
        try:
            path = customer_export_file(customer_id, language=language, out=out.resolve() if out else None)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": exc.strerror}
            ) from exc
        table = Table(title=_("Contents"))
        for column in (_("Part"), _("File"), _("Entries"), _("Files")):
            table.add_column(column)
        for entry in export_toc(path):
            table.add_row(entry.title, f"{entry.key}.json", str(entry.rows), str(entry.files))
        self.out.print(table)
        self.stdout.write(str(path))

    def _erase(self, customer_id: int, *, reason: str, yes: bool, dry_run: bool) -> None:
        try:
            preview = customer_erase(customer_id, reason=reason, dry_run=True)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        if dry_run:
            self._report(preview, _("Would be erased"))
            return
        if not reason.strip():
            raise CommandError(_("Say why the customer is erased: --reason TEXT."))
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(_("Erasure cannot be undone: add --yes to erase without being asked."))
            self._report(preview, _("Will be erased"))
            answer = input(
                _("Erase customer %(id)s for good? Type the customer number to confirm: ")
                % {"id": customer_id}
            )
            if answer.strip() != str(customer_id):
                raise CommandError(_("Not erased."))
        try:
            summary = customer_erase(customer_id, reason=reason)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        self._report(summary, _("Erased"))
        self.stdout.write(_("Customer %(id)s erased.") % {"id": customer_id})

    def _report(self, summary: ErasureSummary, title: str) -> None:
        table = Table(title=title)
        table.add_column(_("Area"))
        table.add_column(_("What"))
        table.add_column(_("How many"), justify="right")
        for app, item, n in summary.rows():
            table.add_row(app_label(app), item_label(item), str(n))
        self.out.print(table)
        if summary.holds:
            self.out.print(_("Kept (legal holds):"))
            for hold in summary.holds:
                self.out.print(f"  • {hold}")
