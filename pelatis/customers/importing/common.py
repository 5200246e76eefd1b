"""What the parts of the import share: its results and errors, progress, job bookkeeping, raw bulk writes.

``RowError``, ``ImportResult`` and ``ImportFileError`` are what callers see. The
rest is plumbing for the customer and order imports: progress reports, the
``ImportJob`` record, timing, chunking, and the executemany writers (with the
SQLite index deferral) that make a large first load fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User as User  # re-exported: who runs an import
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ContactPoint, Customer, ImportJob

Cell = str | dt.date  # XLSX gives dates and datetimes; everything else is text

MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 1000
CHUNK = 2000  # rows per bulk write
IN_CHUNK = 500  # values per IN (...) lookup


@dataclass
class RowError:
    row: int  # 1-based line (CSV) or sheet row (XLSX); the header is row 1
    column: str  # the column's header as written in the file
    message: str


@dataclass
class ImportOptions:
    """The choices an import runs with: preview only, overwrite filled fields, the user's column mapping."""

    preview: bool = False  # check and count everything, write nothing
    overwrite: bool = False  # replace non-empty stored values (never a Greek name by its Latin spelling)
    mapping: dict[str, str] = field(default_factory=dict)  # header as written → field, or "" to leave it out

    @classmethod
    def of(cls, job: ImportJob, *, preview: bool) -> ImportOptions:
        options = job.options or {}
        mapping = options.get("mapping") or {}
        return cls(
            preview=preview,
            overwrite=bool(options.get("overwrite")),
            mapping={str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else {},
        )


MAX_PREVIEW_CHANGES = 200  # customers or orders whose changes the preview lists field by field
MAX_SAMPLES = 3  # values shown for each column the import does not know


@dataclass
class ImportResult:
    """What an import did (or, as a preview, would do). Counts are of customers (orders for an
    order import): created, updated (really changed), unchanged (matched, nothing to change);
    ``invalid`` counts rejected rows."""

    kind: str
    total: int
    created: int
    updated: int
    invalid: int
    errors: list[RowError]
    written: bool
    job_id: int | None
    warnings: list[RowError] = field(default_factory=list)  # e.g. unknown columns, once each
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks and logs
    unchanged: int = 0
    preview: bool = False  # counted only: nothing was written
    platform: str = ""  # the export layout recognised ("shopify", …) or ""
    # Field by field, the first MAX_PREVIEW_CHANGES customers or orders the import changes (or would):
    # {"id", "name", "rows", "fields": [{"field", "before", "after", "kept"}], "added": [{"field", "value"}]}
    changes: list[dict[str, Any]] = field(default_factory=list)
    # Every column of the file: {"index", "header", "field" ("" when none), "samples": [values]}
    columns: list[dict[str, Any]] = field(default_factory=list)


class ImportFileError(Exception):
    """The file as a whole cannot be imported: unreadable, empty, or missing a required column."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def columns_of(cols: Any, samples: dict[int, list[str]]) -> list[dict[str, Any]]:
    """Every column of the file (a ``ColumnMap``) with the field it feeds ("" when none) and, for the
    unknown ones, a few of their values: what the preview's mapping step shows."""
    return [
        {
            "index": i,
            "header": h,
            "field": cols.field_of(i),
            "ignored": i in cols.ignored,
            "samples": samples.get(i, []),
        }
        for i, h in enumerate(cols.headers)
        if h
    ]


# ---------------------------------------------------------------- progress and bookkeeping


class _Progress:
    """Reports (done, total) every ~1,000 rows: validation is the first half, writing the second."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback, self.total, self.last = callback, total, -PROGRESS_EVERY

    def at(self, phase: int, done: int) -> None:
        if self.callback is None or not self.total:
            return
        value = min(self.total, (phase * self.total + done) // 2)
        if value - self.last >= PROGRESS_EVERY or value == self.total:
            self.last = value
            self.callback(value, self.total)


def _error_dicts(items: Sequence[RowError], level: str) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "message": e.message, "level": level} for e in items]


def _finish_job(job: ImportJob, result: ImportResult, status: str) -> None:
    """Record the outcome on the job (a dry run from the CLI has no job row: nothing is written)."""
    if job.pk is None:
        return
    stored = _error_dicts(result.errors[:MAX_STORED_ERRORS], "error")
    if len(result.errors) > MAX_STORED_ERRORS:
        rest = len(result.errors) - MAX_STORED_ERRORS
        stored.append(
            {
                "row": 0,
                "column": "",
                "level": "error",
                "more": rest,
                "message": _("… and %(n)d more errors") % {"n": rest},
            }
        )
    stored += _error_dicts(result.warnings, "warning")
    preview = {
        "changes": result.changes,
        "columns": result.columns,
        "counts": {
            "new": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.invalid,
        },
    }
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        rows_total=result.total,
        rows_done=result.total,
        rows_created=result.created,
        rows_updated=result.updated,
        rows_unchanged=result.unchanged,
        rows_invalid=result.invalid,
        errors=stored,
        finished_at=timezone.now(),
        platform=result.platform,
        preview=preview,
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: an import keeps ~10 small objects per row alive,
    which it would otherwise rescan again and again (a quarter of the validation time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _timed(result: ImportResult, phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        result.timings[phase] = result.timings.get(phase, 0.0) + time.perf_counter() - started


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to ``size`` items from a stream."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def customer_ids_by_ref(refs: Iterable[str]) -> dict[str, int]:
    """Live customers' ids by external reference."""
    live = Customer.objects.filter(merged_into__isnull=True)
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(refs), IN_CHUNK):
        for ref, cid in live.filter(external_ref__in=chunk).values_list("external_ref", "id"):
            if ref is not None:
                found[ref] = cid
    return found


def customer_ids_by_point(kind: str, values: Iterable[str]) -> dict[str, int]:
    """Live customers' ids by email or phone (``kind``); the lowest id when customers share one."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(values), IN_CHUNK):
        points = ContactPoint.objects.filter(kind=kind, value__in=chunk, customer__merged_into__isnull=True)
        for value, cid in points.order_by("-customer_id").values_list("value", "customer_id"):
            found[value] = cid
    return found


def _invalid_rows(errors: Iterable[RowError]) -> int:
    return len({e.row for e in errors})


# ---------------------------------------------------------------- raw bulk writes


def _insert_many(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """executemany of plain INSERTs: the fast path for the hot tables, on SQLite and PostgreSQL alike."""
    if not rows:
        return
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "  # noqa: S608 — table and column names come from our models, quoted; values are parameters
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 20000):
            cursor.executemany(sql, chunk)


@contextlib.contextmanager
def _indexes_deferred(incoming: int, *models: Any) -> Iterator[None]:
    """On SQLite, when a load brings more customers than there are, drop the tables' non-unique
    indexes for the load and build them again after it: much faster than growing them row by row.

    Must run inside the import's transaction. SQLite's DDL is transactional, so a failed
    import rolls the drop back with everything else; readers keep their WAL snapshot, and
    no other writer can run meanwhile. PostgreSQL keeps its indexes (DROP INDEX would lock
    out readers).
    """
    indexes: list[tuple[str, str]] = []
    if connection.vendor == "sqlite" and incoming >= 1000:
        quote = connection.ops.quote_name
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(Customer._meta.db_table)} LIMIT %s)",  # noqa: S608 — our model's table, quoted
                [incoming],
            )
            if cursor.fetchone()[0] < incoming:
                cursor.execute(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 — table and column names come from our models, quoted; values are parameters
                    f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                    tables,
                )
                indexes = [
                    (name, sql)
                    for name, sql in cursor.fetchall()
                    if not sql.upper().startswith("CREATE UNIQUE")
                ]
                for name, _sql in indexes:
                    cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    if indexes:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def _update_many(model: Any, columns: Sequence[str], objs: Sequence[Any]) -> None:
    """executemany of UPDATE ... WHERE id = %s: Django's bulk_update builds CASE WHEN clauses
    that cost milliseconds per row."""
    if not objs:
        return
    meta = model._meta
    fields = [meta.get_field(c) for c in columns]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "  # noqa: S608 — table and column names come from our models, quoted; values are parameters
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _db_date(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)
