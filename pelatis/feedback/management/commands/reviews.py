"""``pelatis reviews import FILE``: reviews and mentions from a CSV file; nothing is written if a row is bad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pelatis.customers.importing.common import ImportFileError
from pelatis.feedback.services.review_import import reviews_import

SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = (
        "Import reviews from a CSV file (platform, rating, text, author, url, date; optional email, phone, id), "
        "with Greek or English headers. Every bad row is reported; nothing is written unless all rows are valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, action: str, file: Path, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot open %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        try:
            result = reviews_import(data=data, file_name=file.name)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for w in result.warnings:
            self.stdout.write(f"{_('Warning')}: {w.column}: {w.message}")
        for e in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": e.row, "column": e.column, "message": e.message}
            )
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(_("… and %(n)d more errors.") % {"n": len(result.errors) - SHOWN_ERRORS})
        if not result.written:
            raise CommandError(_("Import rejected: nothing was written."))
        self.stdout.write(
            _("%(file)s: %(total)d rows, %(created)d reviews added, %(existing)d already known.")
            % {
                "file": file.name,
                "total": result.total,
                "created": result.created,
                "existing": result.existing,
            }
        )
