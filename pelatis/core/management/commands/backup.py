"""``pelatis backup [--out FILE]``: the database and every stored file in one archive with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pelatis.core.backup.manifest import BackupError
from pelatis.core.backup.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up this install into one archive (.tar.gz): a consistent copy of the database (SQLite's "
        "online backup, or pg_dump), every stored file (local or object storage) and a manifest with "
        "checksums and row counts. Prints the archive's path on its last line; by default it is written "
        "to DATA_DIR/backups/. The archive holds personal data: keep it as safe as the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, metavar="FILE", help="where to write the archive"
        )

    def handle(self, *args: Any, out: Path | None, **options: Any) -> None:
        try:
            made = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = made.manifest
        self.stdout.write(
            _("Database (%(engine)s): %(tables)s tables, %(rows)s rows.")
            % {"engine": manifest.engine, "tables": len(manifest.tables), "rows": manifest.rows}
        )
        self.stdout.write(
            _("Files: %(count)s (%(size)s).")
            % {"count": len(manifest.files), "size": filesizeformat(manifest.files_bytes)}
        )
        if made.vanished:
            self.stderr.write(
                ngettext(
                    "%(count)s stored file was deleted while the backup ran and is not in it.",
                    "%(count)s stored files were deleted while the backup ran and are not in it.",
                    len(made.vanished),
                )
                % {"count": len(made.vanished)}
            )
        self.stdout.write(
            _(
                "The secret key is not in the archive: keep PELATIS_SECRET_KEY (or %(file)s) safe apart from "
                "it; a restore without it breaks the links already sent (surveys, unsubscribe, preferences)."
            )
            % {"file": Path(settings.DATA_DIR) / "secret_key"}
        )
        self.stdout.write(str(made.path))
