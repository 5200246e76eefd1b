"""Who does background work: workers that say they are alive, jobs claimed in the database, and the work
a dead worker left half done (task rows still "running", or RQ jobs still "started") taken back.

Everything here is one conditional UPDATE or a short transaction, so it behaves the same on SQLite
(writers queue) and PostgreSQL (row locks), however many worker processes run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from .models import JobRun, WorkerProcess

log = logging.getLogger(__name__)

# A worker that has not said it is alive for this long is taken for dead (it says so every HEARTBEAT).
HEARTBEAT = dt.timedelta(seconds=10)
WORKER_LEASE = dt.timedelta(seconds=60)
# A task row left "running" by a worker nobody knows is taken back after this long.
TASK_LEASE = dt.timedelta(minutes=30)
TASK_MAX_TRIES = 3  # a task that took its worker down this many times is marked failed, not run again
_HOST = socket.gethostname()[:200]

# The id of the worker running in this process ("" in web processes): what a claim records as its owner.
current = {"worker_id": ""}


def worker_id() -> str:
    """This process's worker id, or "" when it is not a worker."""
    return current["worker_id"]


def worker_register() -> str:
    """Record this process as a live worker and return its id (also the id it runs tasks under)."""
    wid = f"{_HOST[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    WorkerProcess.objects.create(worker_id=wid, host=_HOST, pid=os.getpid())
    current["worker_id"] = wid
    return wid


def worker_heartbeat(wid: str) -> None:
    WorkerProcess.objects.filter(worker_id=wid).update(seen_at=timezone.now())


def worker_unregister(wid: str) -> None:
    WorkerProcess.objects.filter(worker_id=wid).delete()
    current["worker_id"] = ""


class Heartbeat(threading.Thread):
    """Says the worker is alive every HEARTBEAT, also while a long task runs (its own DB connection)."""

    def __init__(self, wid: str) -> None:
        super().__init__(name="pelatis-heartbeat", daemon=True)
        self.wid = wid
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT.total_seconds()):
            try:
                close_old_connections()
                worker_heartbeat(self.wid)
            except Exception:  # a busy database must not kill the heartbeat; the next beat tries again
                log.warning("worker heartbeat not recorded", exc_info=True)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()


def _alive_here(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def dead_worker_ids(*, now: dt.datetime | None = None) -> list[str]:
    """Workers that stopped without saying so: silent longer than WORKER_LEASE, or gone from this host."""
    now = now or timezone.now()
    dead = []
    for wid, host, pid, seen in WorkerProcess.objects.values_list("worker_id", "host", "pid", "seen_at"):
        if wid == worker_id():
            continue
        if seen < now - WORKER_LEASE or (host == _HOST and not _alive_here(pid)):
            dead.append(wid)
    return dead


def workers_forget_dead() -> list[str]:
    """Drop the records of dead workers (after their work was taken back); returns their ids."""
    dead = dead_worker_ids()
    WorkerProcess.objects.filter(worker_id__in=dead).delete()
    return dead


def tasks_recover(*, dead: list[str] | None = None, now: dt.datetime | None = None) -> tuple[int, int]:
    """Task rows left RUNNING by a dead worker go back to READY (tasks are idempotent), or to FAILED once a
    task has taken TASK_MAX_TRIES workers down with it. Returns (requeued, failed)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    dead_ids = set(dead_worker_ids(now=now) if dead is None else dead)
    known = set(WorkerProcess.objects.values_list("worker_id", flat=True))
    requeued = failed = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at"
    ):
        owner = row.worker_ids[-1] if row.worker_ids else ""
        orphan = owner in dead_ids or (
            owner not in known and row.started_at is not None and row.started_at < now - TASK_LEASE
        )
        if not orphan:
            continue
        still = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= TASK_MAX_TRIES:
            failed += still.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="pelatis.channels.claims.WorkerLost",
                traceback=f"The worker running this task stopped {len(row.worker_ids)} times.",
            )
        else:
            requeued += still.update(status=TaskResultStatus.READY, started_at=None)
    return requeued, failed


@dataclass(frozen=True)
class Claim:
    name: str
    by: str
    started_at: dt.datetime


def job_claim(
    name: str,
    *,
    lease: dt.timedelta,
    by: str | None = None,
    now: dt.datetime | None = None,
    due_only: bool = True,
    dead: list[str] | None = None,
) -> Claim | None:
    """Claim the job ``name`` for ``lease`` when it is due and nobody holds it (or its holder is among
    the ``dead`` workers); None when another worker has it or it is not due yet. One UPDATE with the
    conditions in its WHERE: of two workers asking at once, exactly one gets a row back."""
    now = now or timezone.now()
    by = by or worker_id() or f"{_HOST[:40]}:{os.getpid()}"
    JobRun.objects.bulk_create([JobRun(name=name, next_due_at=now)], ignore_conflicts=True)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if dead:
        free |= Q(claimed_by__in=dead)
    due = Q(next_due_at__lte=now) if due_only else Q()
    won = JobRun.objects.filter(free, due, name=name).update(
        claimed_by=by, claimed_until=now + lease, last_started_at=now
    )
    return Claim(name=name, by=by, started_at=now) if won else None


def job_running(name: str, *, now: dt.datetime | None = None) -> bool:
    """Whether someone holds the claim on ``name`` now."""
    now = now or timezone.now()
    return JobRun.objects.filter(name=name, claimed_until__gte=now).exists()


def job_finish(
    claim: Claim, *, result: str = "", error: str = "", next_due_at: dt.datetime | None = None
) -> None:
    """Record how the claimed run ended, when the job is due next, and let go of the claim."""
    now = timezone.now()
    JobRun.objects.filter(name=claim.name, claimed_by=claim.by).update(
        claimed_by="",
        claimed_until=None,
        last_finished_at=now,
        last_result=result[:300],
        last_error=error,
        runs=F("runs") + 1,
        **({"next_due_at": next_due_at} if next_due_at is not None else {}),
    )


def rq_tasks_recover(*, dead: list[str] | None = None) -> tuple[int, int]:
    """The RQ counterpart of ``tasks_recover``: jobs left started in Redis by a dead worker go back to
    their queue, or to the failed registry after TASK_MAX_TRIES. Returns (requeued, failed)."""
    from pelatis.core.taskqueue import rq_jobs_recover

    dead_ids = set(dead_worker_ids() if dead is None else dead)
    alive = set(WorkerProcess.objects.values_list("worker_id", flat=True)) - dead_ids
    return rq_jobs_recover(dead=dead_ids, alive=alive, lease=TASK_LEASE, max_tries=TASK_MAX_TRIES)
