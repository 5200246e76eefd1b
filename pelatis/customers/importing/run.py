"""Running an import: the file checked for size and made seekable, read as a stream, the job finished."""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable, Iterator, Sized
from typing import IO, Any, BinaryIO, Literal, cast

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from .common import (
    ImportFileError,
    ImportOptions,
    ImportResult,
    RowError,
    User,
    _finish_job,
    _gc_paused,
    _invalid_rows,
    _Progress,
    _timed,
    columns_of,
)
from .customers import _CustomerImport
from .orders import _OrderImport
from .platforms import platform_detect
from .read import open_table


def import_file(
    *,
    source: BinaryIO,
    file_name: str,
    kind: Literal["customers", "orders"],
    skip_invalid: bool = False,
    by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
    overwrite: bool = False,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of customers or orders now (as the CLI does); see the package docstring
    for the rules. ``dry_run`` makes the same preview and writes nothing, not even the job's record."""
    if kind not in ("customers", "orders"):
        raise ValueError(f"unknown import kind {kind!r}")
    actor = by if by is not None and by.is_authenticated else None
    job = ImportJob(
        kind=kind,
        file_name=file_name[:255],
        created_by=actor,
        skip_invalid=skip_invalid,
        started_at=timezone.now(),
        mode=ImportJob.Mode.PREVIEW if dry_run else ImportJob.Mode.APPLY,
        options={"overwrite": overwrite, "mapping": mapping or {}},
    )
    if not dry_run:
        job.save()
    return import_run(job=job, source=source, progress=progress)


def import_run(
    *,
    job: ImportJob,
    source: BinaryIO | IO[str],
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Run the import ``job`` records on the file ``source`` (read in pieces, never whole) and finish the job:
    a preview when the job's mode is preview (nothing written), else the import itself."""
    kind, file_name = job.kind, job.file_name
    actor = job.created_by
    options = ImportOptions.of(job, preview=job.mode == ImportJob.Mode.PREVIEW)
    result = ImportResult(
        kind=kind,
        total=0,
        created=0,
        updated=0,
        invalid=0,
        errors=[],
        written=False,
        job_id=job.pk,
        preview=options.preview,
    )
    importer: _CustomerImport | _OrderImport | None = None
    try:
        with _seekable(source, settings.PELATIS_IMPORT_MAX_BYTES) as data, _gc_paused():
            with _timed(result, "read"):
                table = open_table(data, file_name)
            platform = platform_detect(table.headers, kind)
            result.platform = platform.name if platform else ""
            result.columns = [
                {"index": i, "header": h, "field": "", "samples": []} for i, h in enumerate(table.headers)
            ]
            result.total = len(cast(Sized, table.rows))
            if not result.total:
                raise ImportFileError(_("The file has a header but no rows."))
            kind_class = _CustomerImport if kind == "customers" else _OrderImport
            importer = kind_class(
                table=table,
                file_name=file_name,
                actor=actor,
                job=job,
                result=result,
                progress=_Progress(progress, result.total),
                options=options,
                platform=platform,
            )
            importer.run(skip_invalid=job.skip_invalid)
            result.columns = columns_of(importer.cols, importer.samples)
    except ImportFileError as exc:
        result.errors = [RowError(1, exc.column, exc.message)]
        result.written = False
        result.created = result.updated = result.unchanged = 0
        _finish_job(job, result, ImportJob.Status.REJECTED)
        return result
    except Exception:
        if job.pk:
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now()
            )
        raise
    result.invalid = _invalid_rows(result.errors)
    if options.preview:
        status = ImportJob.Status.PREVIEW
    elif not result.written:
        result.created = result.updated = result.unchanged = 0
        status = ImportJob.Status.REJECTED
    else:
        status = ImportJob.Status.PARTIAL if result.errors else ImportJob.Status.DONE
    _finish_job(job, result, status)
    if progress is not None and result.total:
        progress(result.total, result.total)
    return result


@contextlib.contextmanager
def _seekable(source: BinaryIO | IO[str], limit: int) -> Iterator[BinaryIO]:
    """The file as a seekable binary file no larger than ``limit`` bytes: itself when it is one,
    else a copy on disk (a pipe, or a text-mode file, taken as UTF-8)."""
    too_large = ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    while isinstance(source, File) and source.file is not None:  # a stored or uploaded file: its open file
        source = source.file
    if isinstance(source, io.IOBase) and not isinstance(source, io.TextIOBase) and _can_seek(source):
        binary = cast(BinaryIO, source)
        binary.seek(0, io.SEEK_END)
        size = binary.tell()
        binary.seek(0)
        if size > limit:
            raise too_large
        yield binary
        return
    with tempfile.TemporaryFile() as copy:
        size = 0
        while piece := source.read(1024 * 1024):
            data = piece.encode("utf-8") if isinstance(piece, str) else piece
            size += len(data)
            if size > limit:
                raise too_large
            copy.write(data)
        copy.seek(0)
        yield cast(BinaryIO, copy)


def _can_seek(source: Any) -> bool:
    try:
        return bool(source.seekable())
    except (AttributeError, ValueError, OSError):
        return False
