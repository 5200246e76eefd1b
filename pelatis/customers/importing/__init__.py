"""Import customers and orders from CSV or XLSX files.

One pass reads the file (any common encoding and delimiter, or XLSX), maps
Greek or English headers, and validates every row with the service inputs
(``CustomerInput.cleaned()``, ``OrderInput.cleaned()``). Nothing is written
when a row is bad, unless ``skip_invalid``; then everything valid is written
in one transaction with bulk inserts. Rows find existing customers by
external reference, then email, then phone, so re-importing a file updates
instead of duplicating.

Decisions worth knowing:

* Updates fill and replace: a non-empty cell replaces the stored value, an
  empty cell or a missing column leaves it alone; emails, phones, tags and
  addresses are added, never removed.
* Two rows of one file for the same customer key: the later row updates the
  earlier one (and counts as updated).
* An email or phone match is refused when both sides have different
  external references: they are different people sharing a contact.
* Orders: the rows of one reference are its lines; the first row gives the
  customer, date, currency and status. An order whose reference exists is
  replaced (lines too) and counted as updated. If one line is bad, the whole
  order is skipped.
* ``created``/``updated`` count rows for customers (so created + updated +
  invalid = total) and orders for orders. A matched customer the file does
  not change is counted as updated but not written, so re-importing a file
  adds nothing, not even timeline entries.
* Every new customer gets one "Imported from FILE" timeline entry; a changed
  one gets "Updated from import of FILE: fields".

Speed: rows are validated in Python, new customers go in with executemany
(their derived fields and search terms from the services' own helpers), and
on SQLite a first big load builds the non-unique indexes once at the end. On
a 2-core machine 100k rows take ~22 s; phonenumbers (two parses per phone)
and CustomerInput.cleaned() are half of it, the ~13 rows written per customer
(~9 of them search terms) most of the rest. See bench/bench_import.py.

The package: ``read`` turns the file into a table, ``columns`` maps headers and
parses cells, ``customers`` (validation and matching) with ``customers_write``
and ``orders`` do the two imports, and ``common`` holds the results, progress,
job bookkeeping and bulk-write helpers they share. ``import_file`` is here.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable, Iterator, Sized
from typing import IO, Any, BinaryIO, Literal, cast

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from .columns import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    Column,
    ColumnMap,
    header_key,
    map_headers,
    parse_date,
    parse_datetime,
    parse_decimal,
    text_of,
)
from .common import (
    CHUNK,
    IN_CHUNK,
    MAX_STORED_ERRORS,
    PROGRESS_EVERY,
    Cell,
    ImportFileError,
    ImportResult,
    RowError,
    User,
    _finish_job,
    _gc_paused,
    _invalid_rows,
    _Progress,
    _timed,
)
from .customers import _CustomerImport
from .orders import _OrderImport
from .read import (
    Table,
    check_zip_expansion,
    decode_bytes,
    detect_encoding,
    open_table,
    read_csv,
    read_table,
    read_xlsx,
    sniff_delimiter,
)

__all__ = [
    "CHUNK",
    "CUSTOMER_COLUMNS",
    "IN_CHUNK",
    "MAX_STORED_ERRORS",
    "ORDER_COLUMNS",
    "PROGRESS_EVERY",
    "Cell",
    "Column",
    "ColumnMap",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "Table",
    "User",
    "check_zip_expansion",
    "decode_bytes",
    "detect_encoding",
    "header_key",
    "import_file",
    "import_run",
    "map_headers",
    "open_table",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "read_csv",
    "read_table",
    "read_xlsx",
    "sniff_delimiter",
    "text_of",
]


def import_file(
    *,
    source: BinaryIO,
    file_name: str,
    kind: Literal["customers", "orders"],
    skip_invalid: bool = False,
    by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of customers or orders now; see the module docstring for the rules."""
    if kind not in ("customers", "orders"):
        raise ValueError(f"unknown import kind {kind!r}")
    actor = by if by is not None and by.is_authenticated else None
    job = ImportJob.objects.create(kind=kind, file_name=file_name[:255], created_by=actor, skip_invalid=skip_invalid,
                                   started_at=timezone.now())
    return import_run(job=job, source=source, progress=progress)


def import_run(*, job: ImportJob, source: BinaryIO | IO[str], progress: Callable[[int, int], None] | None = None,
               ) -> ImportResult:
    """Run the import ``job`` records on the file ``source`` (read in pieces, never whole) and finish the job."""
    kind, file_name = job.kind, job.file_name
    actor = job.created_by
    result = ImportResult(kind=kind, total=0, created=0, updated=0, invalid=0, errors=[], written=False, job_id=job.pk)
    try:
        with _seekable(source, settings.PELATIS_IMPORT_MAX_BYTES) as data, _gc_paused():
            with _timed(result, "read"):
                table = open_table(data, file_name)
            result.total = len(cast(Sized, table.rows))
            if not result.total:
                raise ImportFileError(_("The file has a header but no rows."))
            importer = _CustomerImport if kind == "customers" else _OrderImport
            importer(table=table, file_name=file_name, actor=actor, job=job, result=result,
                     progress=_Progress(progress, result.total)).run(skip_invalid=job.skip_invalid)
    except ImportFileError as exc:
        result.errors = [RowError(1, exc.column, exc.message)]
        result.written = False
        result.created = result.updated = 0
        _finish_job(job, result, ImportJob.Status.REJECTED)
        return result
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    result.invalid = _invalid_rows(result.errors)
    if not result.written:
        result.created = result.updated = 0
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
    if not isinstance(source, io.TextIOBase) and _can_seek(source):
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
