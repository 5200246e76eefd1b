from __future__ import annotations

import datetime as dt
import logging
import signal
import time
import traceback
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pelatis.channels import claims
from pelatis.channels.jobs import periodic_jobs
from pelatis.channels.outbound import outbound_resolve_interrupted
from pelatis.core import taskqueue

log = logging.getLogger("pelatis.worker")
JOB_LEASE = dt.timedelta(minutes=30)  # a job run longer than this (or whose worker died) may be taken over


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (emails, imports, campaigns) from the database or, with "
        "PELATIS_TASKS_BACKEND=rq, from Redis; and the periodic jobs (IMAP polling, SLA clocks, "
        "acknowledgements, follow-ups, retries). Each due job run is claimed in the database, so several "
        "workers never run the same one twice. --once runs one round and exits (for cron or tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds to rest between rounds")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        self.stopping = False
        self._signals_own()
        backend = taskqueue.backend_name()
        wid = claims.worker_register()
        heartbeat = claims.Heartbeat(wid)
        heartbeat.start()
        self.stdout.write(
            f"Pelatis worker {wid}: jobs {', '.join(periodic_jobs())}; tasks on {settings.TASKS['default']['BACKEND']}"
        )
        queue_down = False
        try:
            if backend == taskqueue.RQ:
                queue_down = not self._rq_round(wid, drain=False)
            else:
                self._recover(backend)
            while not self.stopping:
                self._jobs(wid)
                if backend == taskqueue.DATABASE:
                    self._recover(backend)
                    try:
                        call_command(
                            "db_worker",
                            "--batch",
                            "--no-startup-delay",
                            "--no-reload",
                            "--queue-name",
                            "*",
                            "--worker-id",
                            wid,
                            verbosity=0,
                        )
                    finally:
                        self._signals_own()  # db_worker installs its own handlers, which exit at once
                elif backend == taskqueue.RQ:
                    queue_down = not self._rq_round(wid)
                if once:
                    break
                time.sleep(interval)
        finally:
            # a second SIGTERM/SIGINT (the supervisor's, after a Ctrl-C) must not cut the unregistering short
            self._signals_own()
            heartbeat.stop()
            claims.worker_unregister(wid)
        if once and queue_down:
            raise CommandError("the task queue on Redis did not answer; its tasks wait for the next round")

    def _rq_round(self, wid: str, *, drain: bool = True) -> bool:
        """Take back what dead workers left, then run the RQ tasks until the queues are empty. False when
        Redis did not answer (the worker carries on: the next round tries again, and the periodic jobs
        queue again what the database says is still due)."""
        from redis.exceptions import RedisError

        try:
            self._recover(taskqueue.RQ)
            if drain:
                taskqueue.rq_drain(worker_name=wid, should_stop=lambda: self.stopping)
        except RedisError as exc:
            log.warning("task queue on Redis unreachable: %s", exc)
            self.stderr.write(f"tasks: Redis did not answer ({exc}); trying again next round")
            return False
        return True

    def _recover(self, backend: str) -> None:
        """Take back what dead workers left: emails left "sending", tasks left running (a task row in the
        database, a started job in Redis); then forget those workers."""
        dead = claims.dead_worker_ids()
        resent = outbound_resolve_interrupted()
        requeued = failed = 0
        if backend == taskqueue.DATABASE:
            requeued, failed = claims.tasks_recover(dead=dead)
        elif backend == taskqueue.RQ:
            requeued, failed = claims.rq_tasks_recover(dead=dead)  # raises while Redis is down: keep them
        if requeued or failed:
            self.stdout.write(f"recovered: {requeued} tasks queued again, {failed} given up")
        if resent:
            self.stdout.write(f"recovered: {resent} interrupted emails")
        claims.workers_forget_dead()

    def _jobs(self, wid: str) -> None:
        dead = claims.dead_worker_ids()
        for name, job in periodic_jobs().items():
            claim = claims.job_claim(name, lease=JOB_LEASE, by=wid, dead=dead)
            if claim is None:  # not due yet, or another worker runs it
                continue
            every = dt.timedelta(seconds=settings.PELATIS_WORKER_INTERVALS.get(name, 60))
            result = error = ""
            try:
                result = str(job())
                self.stdout.write(f"{name}: {result}")
            except Exception:  # one failing job must not stop the others or the worker
                log.exception("job %s failed", name)
                error = traceback.format_exc()
            claims.job_finish(claim, result=result, error=error, next_due_at=claim.started_at + every)

    def _signals_own(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, *args: object) -> None:
        self.stopping = True
