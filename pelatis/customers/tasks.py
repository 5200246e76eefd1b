"""Background tasks of the customer book: thin doors that look up ids and call a service."""

from __future__ import annotations

from django_tasks import task

from .importing.jobs import import_job_run


@task()
def import_job_run_task(*, job_id: int) -> None:
    """Import the file of a queued import job; a job already started or finished is a no-op."""
    import_job_run(job_id=job_id)
