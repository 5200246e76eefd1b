"""Imports from the web: the upload is stored, a background task previews it (counts and changes,
nothing written), the user may map unknown columns or choose to overwrite and preview again, then
confirms, and a background task imports it. The job row records how far each run got, for the page
that follows it; the request never imports anything itself. The file is kept until the import is
written (so a rejected file can be mapped and tried again) and deleted then; an upload left without
confirmation is deleted after ``PELATIS_IMPORT_KEEP_UPLOAD_DAYS`` (7) days."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import ImportJob
from .common import ImportResult, User
from .run import import_run

KEEP_UPLOAD_DAYS = 7  # default of PELATIS_IMPORT_KEEP_UPLOAD_DAYS


def import_job_create(
    *,
    upload: File[bytes],
    kind: str,
    skip_invalid: bool,
    by: User | None,
    language: str = "",
    overwrite: bool = False,
) -> ImportJob:
    """Store an uploaded file and queue its preview; the task starts once this transaction commits."""
    if kind not in ("customers", "orders"):
        raise ValueError(f"unknown import kind {kind!r}")
    _stale_uploads_delete()
    name = PurePath(upload.name or "import").name
    job = ImportJob(
        kind=kind,
        file_name=name[:255],
        skip_invalid=skip_invalid,
        status=ImportJob.Status.QUEUED,
        created_by=by if by is not None and by.is_authenticated else None,
        language=language[:16],
        mode=ImportJob.Mode.PREVIEW,
        options={"overwrite": overwrite, "mapping": {}},
    )
    # The stored name is random: file names people choose never become paths on the server.
    job.source.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()[:8]}", upload, save=False)
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


@transaction.atomic
def import_job_preview_again(
    *, job: ImportJob, overwrite: bool, skip_invalid: bool, mapping: dict[str, str], language: str = ""
) -> ImportJob:
    """Preview the kept file again with other choices (overwrite, skip invalid rows, the column mapping)."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status not in (ImportJob.Status.PREVIEW, ImportJob.Status.REJECTED) or not locked.source:
        raise ValidationError(_("This import's file is no longer kept: upload it again."))
    known = {c["header"] for c in (locked.preview or {}).get("columns", [])}
    mapping = {h: f for h, f in mapping.items() if h in known}
    ImportJob.objects.filter(pk=locked.pk).update(
        status=ImportJob.Status.QUEUED,
        mode=ImportJob.Mode.PREVIEW,
        skip_invalid=skip_invalid,
        options={"overwrite": overwrite, "mapping": mapping},
        rows_done=0,
        started_at=None,
        finished_at=None,
        language=(language or locked.language)[:16],
    )
    transaction.on_commit(lambda: _enqueue(locked.pk))
    locked.refresh_from_db()
    return locked


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User | None) -> ImportJob:
    """Import the previewed file as previewed; refused when the preview is not current."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportJob.Status.PREVIEW or not locked.source:
        raise ValidationError(_("Only a previewed import whose file is kept can be confirmed."))
    if locked.rows_invalid and not locked.skip_invalid:
        raise ValidationError(
            _(
                "The file has rejected rows: tick “Skip invalid rows” and preview again, "
                "or correct the file and upload it again."
            )
        )
    ImportJob.objects.filter(pk=locked.pk).update(
        status=ImportJob.Status.QUEUED,
        mode=ImportJob.Mode.APPLY,
        rows_done=0,
        started_at=None,
        finished_at=None,
    )
    transaction.on_commit(lambda: _enqueue(locked.pk))
    locked.refresh_from_db()
    return locked


def _stale_uploads_delete() -> None:
    """Delete the files of uploads never confirmed (previewed or rejected) after a few days."""
    days = int(getattr(settings, "PELATIS_IMPORT_KEEP_UPLOAD_DAYS", KEEP_UPLOAD_DAYS))
    stale = ImportJob.objects.filter(
        status__in=(ImportJob.Status.PREVIEW, ImportJob.Status.REJECTED),
        created_at__lt=timezone.now() - dt.timedelta(days=days),
    ).exclude(source="")
    for job in stale[:100]:
        job.source.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(source="")


def _enqueue(job_id: int) -> None:
    from ..tasks import import_job_run_task  # the task module imports this one

    import_job_run_task.enqueue(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportResult | None:
    """Run a queued import job (the task's body): its preview, or its import once confirmed. A job
    already taken is left alone, so a task delivered twice runs once; the stored file is deleted when
    the import itself ends, however it ends, and kept after a preview (to confirm or map again)."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            try:
                source = job.source.open("rb")
            except (OSError, ValueError):
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.FAILED,
                    finished_at=timezone.now(),
                    errors=[
                        {
                            "row": 0,
                            "column": "",
                            "level": "error",
                            "message": _("The uploaded file could not be found; upload it again."),
                        }
                    ],
                )
                return None
            with source:
                return import_run(job=job, source=source, progress=_recorder(job_id))
        finally:
            status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
            keep = job.mode == ImportJob.Mode.PREVIEW and status in (
                ImportJob.Status.PREVIEW,
                ImportJob.Status.REJECTED,
            )
            if job.source and not keep:
                job.source.delete(save=False)
                ImportJob.objects.filter(pk=job_id).update(source="")


def _recorder(job_id: int) -> Callable[[int, int], None]:
    def record(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    return record


def import_jobs_of(user: User) -> QuerySet[ImportJob]:
    """The import jobs a user may follow: their own (an administrator: everyone's), newest first.
    A job's report quotes the file's cells, so it is not shown to every importer."""
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
    if getattr(user, "is_superuser", False):
        return jobs
    return jobs.filter(created_by_id=user.pk)


@dataclass
class ImportJobReport:
    """What the job page shows: progress while it runs, then the preview to confirm, or the outcome
    and the row-level report (and whether the import can still be undone)."""

    finished: bool
    written: bool
    percent: int
    phase: str
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    preview: bool = False  # a preview is ready: nothing written, waiting for confirmation
    file_kept: bool = False  # the file can be previewed again (mapped, overwrite chosen)
    can_confirm: bool = False
    undo_until: dt.datetime | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    platform: str = ""

    @classmethod
    def of(cls, job: ImportJob) -> ImportJobReport:
        from .undo import import_undo_available, import_undo_deadline

        finished = job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
        percent = 100 if finished else min(99, job.rows_done * 100 // job.rows_total) if job.rows_total else 0
        previewing = job.mode == ImportJob.Mode.PREVIEW
        if job.status == ImportJob.Status.QUEUED:
            phase = _("Waiting for the background worker to start the import…")
        elif not finished:
            # The first half of the progress is checking the rows, the second writing them (or, for a
            # preview, comparing them with what is stored).
            phase = (
                _("Checking the rows…")
                if percent < 50
                else (_("Comparing with what is stored…") if previewing else _("Writing…"))
            )
        else:
            phase = job.get_status_display()
        entries = job.errors or []
        preview = job.preview or {}
        is_preview = job.status == ImportJob.Status.PREVIEW
        return cls(
            finished=finished,
            written=job.status in (ImportJob.Status.DONE, ImportJob.Status.PARTIAL),
            percent=percent,
            phase=phase,
            errors=[e for e in entries if e.get("level") != "warning"],
            warnings=[e for e in entries if e.get("level") == "warning"],
            preview=is_preview,
            file_kept=bool(job.source)
            and job.status in (ImportJob.Status.PREVIEW, ImportJob.Status.REJECTED),
            can_confirm=is_preview and bool(job.source) and not (job.rows_invalid and not job.skip_invalid),
            undo_until=import_undo_deadline(job) if import_undo_available(job) else None,
            changes=preview.get("changes", []),
            columns=preview.get("columns", []),
            platform=job.platform,
        )
