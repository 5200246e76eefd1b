"""Imports from the web: the upload is stored, a background task imports it, and the job row
records how far it got, for the page that follows it. The request never imports anything itself."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import ImportJob
from .common import ImportResult, User
from .run import import_run


def import_job_create(*, upload: File, kind: str, skip_invalid: bool, by: User | None, language: str = "",
                      ) -> ImportJob:
    """Store an uploaded file and queue its import; the task starts once this transaction commits."""
    if kind not in ("customers", "orders"):
        raise ValueError(f"unknown import kind {kind!r}")
    name = PurePath(upload.name or "import").name
    job = ImportJob(kind=kind, file_name=name[:255], skip_invalid=skip_invalid, status=ImportJob.Status.QUEUED,
                    created_by=by if by is not None and by.is_authenticated else None, language=language[:16])
    # The stored name is random: file names people choose never become paths on the server.
    job.source.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()[:8]}", upload, save=False)
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from ..tasks import import_job_run_task  # the task module imports this one

    import_job_run_task.enqueue(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportResult | None:
    """Run a queued import job (the task's body). A job already taken is left alone, so a task
    delivered twice imports once; the stored file is deleted when the import ends, however it ends."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now())
    if not taken:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            try:
                source = job.source.open("rb")
            except (OSError, ValueError):
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                    errors=[{"row": 0, "column": "", "level": "error",
                             "message": _("The uploaded file could not be found; upload it again.")}])
                return None
            with source:
                return import_run(job=job, source=source, progress=_recorder(job_id))
        finally:
            if job.source:
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
    """What the job page shows: progress while it runs, then the outcome and the row-level report."""

    finished: bool
    written: bool
    percent: int
    phase: str
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]

    @classmethod
    def of(cls, job: ImportJob) -> ImportJobReport:
        finished = job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
        percent = 100 if finished else min(99, job.rows_done * 100 // job.rows_total) if job.rows_total else 0
        if job.status == ImportJob.Status.QUEUED:
            phase = _("Waiting for the background worker to start the import…")
        elif not finished:
            # The first half of the progress is checking the rows, the second writing them.
            phase = _("Checking the rows…") if percent < 50 else _("Writing…")
        else:
            phase = job.get_status_display()
        entries = job.errors or []
        return cls(finished=finished, written=job.status in (ImportJob.Status.DONE, ImportJob.Status.PARTIAL),
                   percent=percent, phase=phase, errors=[e for e in entries if e.get("level") != "warning"],
                   warnings=[e for e in entries if e.get("level") == "warning"])
