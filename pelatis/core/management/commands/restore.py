"""``pelatis restore FILE [--force] [--check]``: an archive of ``pelatis backup`` back into this install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pelatis.core.backup.manifest import BackupError, Manifest
from pelatis.core.backup.services import backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore an archive made by `pelatis backup`: checks every checksum first, refuses an install that "
        "already holds data unless --force, then restores the stored files and the database. Stop "
        "`pelatis serve` and every `pelatis worker` before, and run `pelatis migrate` after if it says so."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an install that holds data: its database and every stored file not in the backup",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the archive's checksums and say what it holds"
        )

    def handle(self, *args: Any, archive: Path, force: bool, check: bool, **options: Any) -> None:
        try:
            if check:
                from tempfile import TemporaryDirectory

                with TemporaryDirectory(prefix="pelatis-restore-") as work:
                    manifest, _database = backup_verify(archive, Path(work))
                self.stdout.write(_("The archive is intact."))
                self._describe(manifest)
                return
            restored = backup_restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Restored %(file)s.") % {"file": archive})
        self._describe(restored.manifest)
        if restored.files_removed:
            self.stdout.write(
                ngettext(
                    "Removed %(count)s stored file the backup did not have.",
                    "Removed %(count)s stored files the backup did not have.",
                    restored.files_removed,
                )
                % {"count": restored.files_removed}
            )
        if restored.pending:
            self.stdout.write(
                ngettext(
                    "This version has %(count)s migration the backup predates: run `pelatis migrate` now.",
                    "This version has %(count)s migrations the backup predates: run `pelatis migrate` now.",
                    len(restored.pending),
                )
                % {"count": len(restored.pending)}
            )

    def _describe(self, manifest: Manifest) -> None:
        self.stdout.write(
            _("Made %(created)s by Pelatis %(version)s.")
            % {"created": manifest.created, "version": manifest.pelatis_version}
        )
        self.stdout.write(
            _("Database (%(engine)s): %(tables)s tables, %(rows)s rows.")
            % {"engine": manifest.engine, "tables": len(manifest.tables), "rows": manifest.rows}
        )
        self.stdout.write(
            _("Files: %(count)s (%(size)s).")
            % {"count": len(manifest.files), "size": filesizeformat(manifest.files_bytes)}
        )
