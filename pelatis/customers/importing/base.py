"""What the customer and the order import share: the file, its job and result, the column map and the
samples of the columns no field takes (shown by the preview's mapping step)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from pelatis.core.audit import Action, audit_record

from ..models import ImportJob
from .columns import Column, header_key, map_headers, text_of
from .common import (
    MAX_SAMPLES,
    Cell,
    ImportOptions,
    ImportResult,
    User,
    _invalid_rows,
    _Progress,
    columns_of,
)
from .platforms import Platform
from .read import Table


class _FileImport:
    """One import of one file: maps its headers to ``COLUMNS`` (the platform's layout and the user's choices
    first), then lets the import check and prepare its own (``_prepare``)."""

    COLUMNS: tuple[Column, ...]

    def __init__(
        self,
        *,
        table: Table,
        file_name: str,
        actor: User | None,
        job: ImportJob,
        result: ImportResult,
        progress: _Progress,
        options: ImportOptions | None = None,
        platform: Platform | None = None,
    ) -> None:
        self.table, self.file_name, self.actor, self.job, self.result, self.progress = (
            table,
            file_name,
            actor,
            job,
            result,
            progress,
        )
        self.options = options or ImportOptions()
        self.platform = platform
        overrides = platform.overrides() if platform else {}
        overrides.update({header_key(h): f for h, f in self.options.mapping.items()})
        self.cols = map_headers(table.headers, self.COLUMNS, overrides=overrides)
        result.warnings = self.cols.warnings
        self.samples: dict[int, list[str]] = {i: [] for i in self.cols.unknown}
        result.columns = columns_of(self.cols, {})
        self.tz: dt.tzinfo = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self._prepare()

    def _prepare(self) -> None:
        """The import's own checks of the file's columns (raising ImportFileError) and set-up."""

    def _audit(self) -> None:
        """The import's one audit entry, written in its transaction once it is applied: who and how many,
        never a name or a value from the file (not even the file's name)."""
        r = self.result
        audit_record(
            Action.IMPORT,
            actor=self.actor if self.actor is not None and self.actor.is_authenticated else None,
            detail=(
                f"{r.kind} import #{self.job.pk}: rows={r.total} new={r.created} updated={r.updated} "
                f"unchanged={r.unchanged} rejected={_invalid_rows(r.errors)}"
            ),
        )

    def _sample(self, cells: list[Cell]) -> None:
        """A few values of each unknown column, for the preview's mapping step."""
        for i, found in self.samples.items():
            if len(found) < MAX_SAMPLES and i < len(cells):
                value = text_of(cells[i])[:60]
                if value and value not in found:
                    found.append(value)
