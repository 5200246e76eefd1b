"""The worker's real task path on both backends, for the ``test_worker_task_path*`` tests.

``task_backend`` (parametrized: ``database``, ``rq``) points ``TASKS`` at django-tasks-db or at RQ on a
throw-away Redis (``redis_url``, an asynchronous queue: nothing runs until `pelatis worker` takes it). The
helpers read the queue the same way whichever backend holds it: ``results(task, **kwargs)`` gives the
statuses of that task's enqueued runs, oldest first, from the database rows or from RQ's job registries.
"""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from pelatis.core.taskqueue import RQ, backend_name, queue_stats

MAX_ROUNDS = 5  # worker rounds before a test gives up on the queue emptying
BACKENDS = ["database", "rq"]


@pytest.fixture(params=BACKENDS)
def task_backend(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Tasks go to the database (as shipped) or to RQ on Redis; the worker's signal handlers do not outlive
    the test."""
    if request.param == "rq":
        url = request.getfixturevalue("redis_url")
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield str(request.param)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def worker_round() -> str:
    """One `pelatis worker --once` round; what it printed."""
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    return out.getvalue()


def queue_open() -> bool:
    stats = queue_stats()
    assert stats.ok, "the task queue could not be read"
    return bool(stats.queued or stats.running)


def worker_until_empty() -> str:
    """`pelatis worker --once` rounds until no task waits or runs; what they printed."""
    printed = ""
    for _round in range(MAX_ROUNDS):
        printed += worker_round()
        if not queue_open():
            return printed
    pytest.fail(f"tasks still queued after {MAX_ROUNDS} worker rounds")


def runs(task: Any) -> list[tuple[str, dict[str, Any]]]:
    """(status, keyword arguments) of each enqueued run of ``task``, oldest first, on either backend."""
    if backend_name() == RQ:
        return _rq_runs(task)
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at")
    return [(str(row.status), dict(row.args_kwargs["kwargs"])) for row in rows]


def results(task: Any, **kwargs: Any) -> list[str]:
    """The statuses of ``task``'s runs with these keyword arguments (all its runs when none are given)."""
    return [status for status, given in runs(task) if not kwargs or given == kwargs]


def _rq_runs(task: Any) -> list[tuple[str, dict[str, Any]]]:
    from django_rq.connection_utils import get_connection
    from django_rq.queues import get_queue
    from django_tasks_rq.backend import RQ_STATUS_TO_RESULT_STATUS, Job
    from rq.registry import (
        CanceledJobRegistry,
        DeferredJobRegistry,
        FailedJobRegistry,
        FinishedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    conn = get_connection("default")
    queue = get_queue("default", job_class=Job, connection=conn)
    ids = set(queue.get_job_ids())
    for registry in (
        StartedJobRegistry,
        FinishedJobRegistry,
        FailedJobRegistry,
        ScheduledJobRegistry,
        DeferredJobRegistry,
        CanceledJobRegistry,
    ):
        ids.update(registry(queue=queue).get_job_ids(cleanup=False))
    jobs = [job for job in Job.fetch_many(sorted(ids), connection=conn) if job is not None]
    mine = sorted((job for job in jobs if job.func_name == task.module_path), key=lambda job: job.created_at)
    return [(str(RQ_STATUS_TO_RESULT_STATUS[job.get_status()]), dict(job.kwargs)) for job in mine]
