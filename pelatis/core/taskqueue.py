"""The background-task queue, whichever backend holds it: the database (django-tasks-db, the embedded
default) or RQ on Redis (``PELATIS_TASKS_BACKEND=rq``).

* ``queue_stats()`` and ``queue_ready()``: what /readyz and /metrics say about the queue; each answers
  within a couple of seconds and never raises.
* ``rq_drain()``: one burst of an RQ worker inside ``pelatis worker`` (no fork: the task runs in the worker
  process, as with the database backend, so a worker killed mid-task leaves its job in RQ's started
  registry under the worker's id).
* ``rq_jobs_recover()``: jobs left started by dead workers go back to their queue, or to RQ's failed
  registry once they took too many workers down; the senders' own claims keep each email sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone

if TYPE_CHECKING:
    from redis import Redis
    from rq.queue import Queue

log = logging.getLogger(__name__)

DATABASE = "database"
RQ = "rq"
IMMEDIATE = "immediate"  # tasks run at once in the caller (the test settings): there is no queue
PROBE_TIMEOUT = 2.0  # seconds a readiness or stats probe may take


@dataclass(frozen=True)
class QueueStats:
    """``queued``: tasks waiting and due; ``oldest_age_seconds``: how long the longest-waiting one has
    waited (None when none waits); ``failed``: failed tasks kept; ``running``: tasks being run now.
    ``ok`` is False when the queue could not be read (the numbers are then zero)."""

    backend: str
    queued: int
    oldest_age_seconds: float | None
    failed: int
    running: int = 0
    ok: bool = True


def backend_name() -> str:
    """``database``, ``rq`` or ``immediate`` (anything else that does not keep a queue)."""
    path = str(settings.TASKS["default"]["BACKEND"])
    if path.startswith("django_tasks_db."):
        return DATABASE
    if path.startswith("django_tasks_rq."):
        return RQ
    return IMMEDIATE


def queue_names() -> list[str]:
    """The RQ queues the tasks go to (every queue in ``RQ_QUEUES``)."""
    return sorted(getattr(settings, "RQ_QUEUES", {}) or {"default": {}})


def queue_stats() -> QueueStats:
    """How many tasks wait, how long the oldest has waited, how many failed; never raises."""
    backend = backend_name()
    try:
        if backend == DATABASE:
            return _database_stats()
        if backend == RQ:
            return _rq_stats()
        return QueueStats(backend=backend, queued=0, oldest_age_seconds=None, failed=0)
    except Exception:  # a probe: the caller reports the queue as unreadable, the failure is logged here
        log.warning("task queue (%s) could not be read", backend, exc_info=True)
        return QueueStats(backend=backend, queued=0, oldest_age_seconds=None, failed=0, ok=False)


def queue_ready() -> bool:
    """Whether the queue answers: the task table can be read (database) or Redis answers PING (rq)."""
    backend = backend_name()
    try:
        if backend == DATABASE:
            from django_tasks_db.models import DBTaskResult

            with _short_statement():
                DBTaskResult.objects.using("default").order_by().values_list("pk")[:1].exists()
            return True
        if backend == RQ:
            conn = _redis()
            try:
                return bool(conn.ping())
            finally:
                conn.close()
        return True
    except Exception:
        log.warning("task queue (%s) is not reachable", backend, exc_info=True)
        return False


class _short_statement:  # noqa: N801 — used as a context manager, named like one
    """On PostgreSQL, statements inside the block are cut off after PROBE_TIMEOUT (SET LOCAL in its own
    transaction); elsewhere a plain block."""

    def __enter__(self) -> None:
        self.atomic = transaction.atomic(using="default")
        self.atomic.__enter__()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(PROBE_TIMEOUT * 1000)}")

    def __exit__(self, *exc: object) -> None:
        self.atomic.__exit__(*exc)  # type: ignore[arg-type]  # the exception triple, passed through


def _database_stats() -> QueueStats:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    never = get_date_max()  # django-tasks-db's "no run_after"
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    # a task waits from its enqueueing, or from its run_after when it had one
    waits_since = Case(
        When(run_after=never, then=F("enqueued_at")), default=Greatest("run_after", "enqueued_at")
    )
    with _short_statement():
        row = (
            DBTaskResult.objects.using("default")
            .order_by()
            .aggregate(
                queued=Count("pk", filter=due),
                oldest=Min(waits_since, filter=due),
                failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
                running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
            )
        )
    oldest = row["oldest"]
    return QueueStats(
        backend=DATABASE,
        queued=int(row["queued"]),
        oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
        failed=int(row["failed"]),
        running=int(row["running"]),
    )


def _redis(timeout: float = PROBE_TIMEOUT) -> Redis:
    """A connection to the queues' Redis that gives up after ``timeout`` and does not retry."""
    from django_rq.connection_utils import filter_connection_params
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    config = filter_connection_params(settings.RQ_QUEUES[queue_names()[0]])
    if "URL" not in config:
        from django_rq import get_connection

        return get_connection(queue_names()[0])
    return Redis.from_url(
        str(config["URL"]),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _queues(conn: Redis) -> list[Queue]:
    from django_tasks_rq.backend import Job
    from rq.queue import Queue

    return [Queue(name, connection=conn, job_class=Job) for name in queue_names()]


def _rq_stats() -> QueueStats:
    from rq.job import Job as RQJob
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    conn = _redis()
    queued = failed = running = 0
    oldest: dt.datetime | None = None
    for queue in _queues(conn):
        queued += queue.count
        failed += FailedJobRegistry(queue=queue).get_job_count(cleanup=False)
        running += StartedJobRegistry(queue=queue).get_job_count(cleanup=False)
        first = queue.get_job_ids(0, 0)
        job = RQJob.fetch(first[0], connection=conn) if first else None
        if job is not None and job.enqueued_at is not None:
            at = job.enqueued_at if job.enqueued_at.tzinfo else job.enqueued_at.replace(tzinfo=dt.UTC)
            oldest = at if oldest is None else min(oldest, at)
    conn.close()
    age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else None
    return QueueStats(backend=RQ, queued=queued, oldest_age_seconds=age, failed=failed, running=running)


# --- RQ inside `pelatis worker` ----------------------------------------------------------------------


def _burst_worker_class() -> type[Any]:
    from rq.worker import SimpleWorker

    class BurstWorker(SimpleWorker):
        """RQ's in-process worker as one round of `pelatis worker`: the command keeps its own signal
        handlers and process title, and database connections are checked around each task as a request
        would have them."""

        should_stop: Callable[[], bool] = staticmethod(lambda: False)
        done = 0

        def _install_signal_handlers(self) -> None:
            pass  # SIGTERM goes to `pelatis worker`, which stops the burst between two tasks

        def procline(self, message: str) -> None:
            pass

        def subscribe(self) -> None:
            pass  # no pub/sub thread per round: a burst stops on its own

        def execute_job(self, job: Any, queue: Any) -> None:
            _fresh_connections()
            try:
                super().execute_job(job, queue)
            finally:
                _fresh_connections()
                self.done += 1
                if self.should_stop():
                    self._stop_requested = True

    return BurstWorker


def _fresh_connections() -> None:
    if not connection.in_atomic_block:  # (a test's transaction is left alone)
        close_old_connections()


def rq_drain(*, worker_name: str, should_stop: Callable[[], bool] | None = None) -> int:
    """Run the queued RQ tasks until the queues are empty (or ``should_stop()`` says so between two
    tasks); returns how many ran. ``worker_name`` is the `pelatis worker`'s id, recorded on each job it
    starts, so a job left started by a dead worker can be told apart."""
    from django_rq.connection_utils import get_connection
    from django_rq.queues import get_queue
    from django_tasks_rq.backend import Job

    names = queue_names()
    conn = get_connection(names[0])  # django-rq wants one Redis for the queues a worker serves
    queues = [get_queue(name, job_class=Job, connection=conn) for name in names]
    for queue in queues:
        rq_scheduled_release(queue)
    worker = _burst_worker_class()(queues, connection=conn, job_class=Job, name=worker_name)
    if should_stop is not None:
        worker.should_stop = should_stop
    # RQ's loggers log through Pelatis' handlers at Pelatis' level (PELATIS_LOG_LEVEL), not at RQ's INFO
    try:
        worker.work(burst=True, logging_level=logging.getLevelName(logging.getLogger().getEffectiveLevel()))
    finally:
        conn.close()
    return int(worker.done)


def rq_scheduled_release(queue: Queue) -> int:
    """Tasks enqueued with a ``run_after`` that has come (RQ's scheduled registry) go to their queue, each
    moved by one worker only (its removal from the registry is the claim); returns how many."""
    from rq.registry import ScheduledJobRegistry

    registry = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]  # rq leaves its __init__ unannotated
    moved = 0
    for job_id in registry.get_jobs_to_schedule():
        if not queue.connection.zrem(registry.key, job_id):
            continue  # another worker moved it
        job = queue.fetch_job(job_id)
        if job is not None:
            queue.enqueue_job(job)
            moved += 1
    return moved


def rq_jobs_recover(
    *,
    dead: Collection[str],
    alive: Collection[str],
    lease: dt.timedelta,
    max_tries: int,
    now: dt.datetime | None = None,
) -> tuple[int, int]:
    """Jobs left started by a worker that died go back to their queue (tasks are idempotent), or to the
    failed registry once they took ``max_tries`` workers down. A job's worker is dead when it is among
    ``dead``, or when it is neither among ``alive`` nor a registered RQ worker and the job started more
    than ``lease`` ago. Each job is taken by one recovering worker only (its removal from the started
    registry is the claim). Returns (requeued, failed)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry
    from rq.utils import parse_composite_key
    from rq.worker import Worker

    now = now or timezone.now()
    conn = _redis(timeout=10)
    registered: set[str] | None = None  # RQ's live workers, read once and only when needed

    def rq_alive(name: str) -> bool:
        nonlocal registered
        if registered is None:
            registered = {w.name for w in Worker.all(connection=conn)}
        return name in registered

    requeued = failed = 0
    for queue in _queues(conn):
        registry = StartedJobRegistry(queue=queue)
        for entry in conn.zrange(registry.key, 0, -1):
            composite = entry.decode() if isinstance(entry, bytes) else str(entry)
            job_id, _execution = parse_composite_key(composite)
            try:
                job = queue.job_class.fetch(job_id, connection=conn)
            except NoSuchJobError:
                conn.zrem(registry.key, composite)
                continue
            owner = job.worker_name or ""
            started = job.started_at
            if started is not None and started.tzinfo is None:
                started = started.replace(tzinfo=dt.UTC)
            orphan = owner in dead or (
                owner not in alive and (started is None or started < now - lease) and not rq_alive(owner)
            )
            if not orphan or not conn.zrem(registry.key, composite):
                continue  # alive, or another worker took it back first
            if job.get_status() != JobStatus.STARTED:
                continue  # it ended (or is queued already); only its registry entry was left
            tries = int(job.meta.get("pelatis_workers_lost", 0)) + 1
            job.meta["pelatis_workers_lost"] = tries
            if tries >= max_tries:
                job.set_status(JobStatus.FAILED)
                job.save_meta()  # type: ignore[no-untyped-call]  # rq leaves it unannotated
                FailedJobRegistry(queue=queue).add(
                    job,
                    ttl=job.failure_ttl,
                    exc_string=f"The worker running this task stopped {tries} times ({owner or 'unknown'}).",
                )
                failed += 1
            else:
                job.save_meta()  # type: ignore[no-untyped-call]  # rq leaves it unannotated
                queue.enqueue_job(job)
                requeued += 1
            log.warning(
                "task %s (%s) left started by worker %s: %s",
                job.id,
                job.func_name,
                owner or "unknown",
                "given up" if tries >= max_tries else "queued again",
            )
    conn.close()
    return requeued, failed
