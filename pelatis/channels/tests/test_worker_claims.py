"""Periodic jobs run once per due time whatever the number of workers; claims of dead workers are taken over."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pelatis.channels import claims
from pelatis.channels.jobs import periodic_jobs
from pelatis.channels.models import JobRun, WorkerProcess

from .instance import Mailbox, SlowHandler, instance, smtp_server

RUNS = """
import json
from pelatis.channels.models import JobRun
print(json.dumps(dict(JobRun.objects.values_list("name", "runs"))))
"""


def test_two_workers_started_together_run_each_due_job_once(tmp_path: Path) -> None:
    with smtp_server(SlowHandler(Mailbox())) as port, instance(tmp_path, email_port=port) as inst:
        # when: two worker processes start at the same moment, each for one round
        workers = [inst.start("worker", "--once") for _ in range(2)]
        codes = [w.wait(timeout=300) for w in workers]
        runs = inst.shell(RUNS)
        logs = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("worker-*.log"))]
    assert codes == [0, 0], logs
    # then: every job ran exactly once between them (JobRun counts, and the lines the workers printed)
    jobs = periodic_jobs()
    assert {name: n for name, n in runs.items() if name in jobs} == dict.fromkeys(jobs, 1), runs
    printed = [line.split(":", 1)[0] for log in logs for line in log.splitlines() if ":" in line]
    assert sorted(n for n in printed if n in jobs) == sorted(jobs), logs
    print(f"\ntwo workers, one round each: {len(jobs)} jobs, runs per job {set(runs.values())}")


@pytest.mark.django_db(transaction=True)
def test_a_claimed_job_is_not_run_again_until_due_and_free() -> None:
    now = timezone.now()
    first = claims.job_claim("sla_scan", lease=dt.timedelta(minutes=5), by="w1", now=now)
    assert first is not None
    assert claims.job_claim("sla_scan", lease=dt.timedelta(minutes=5), by="w2", now=now) is None  # held
    claims.job_finish(first, result="0 newly breached", next_due_at=now + dt.timedelta(seconds=60))
    assert claims.job_claim("sla_scan", lease=dt.timedelta(minutes=5), by="w2", now=now) is None  # not due
    later = now + dt.timedelta(seconds=61)
    assert claims.job_claim("sla_scan", lease=dt.timedelta(minutes=5), by="w2", now=later) is not None
    row = JobRun.objects.get(name="sla_scan")
    assert (row.runs, row.claimed_by, row.last_result) == (1, "w2", "0 newly breached")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.django_db(transaction=True)
def test_the_claim_and_the_task_rows_of_a_dead_worker_are_taken_back() -> None:
    from django_tasks_db.models import DBTaskResult

    dead = f"{claims._HOST[:40]}:{_dead_pid()}:{uuid.uuid4().hex[:8]}"
    WorkerProcess.objects.create(worker_id=dead, host=claims._HOST, pid=int(dead.split(":")[1]))
    alive = f"{claims._HOST[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    WorkerProcess.objects.create(worker_id=alive, host=claims._HOST, pid=os.getpid())
    now = timezone.now()
    assert claims.job_claim("mail_poll", lease=dt.timedelta(minutes=30), by=dead, now=now) is not None

    def running(*workers: str) -> Any:
        return DBTaskResult.objects.create(
            status="RUNNING",
            args_kwargs={"args": [], "kwargs": {}},
            started_at=now,
            task_path="pelatis.channels.tasks.reply_email_send_task",
            backend_name="default",
            run_after=now,
            worker_ids=list(workers),
        )

    orphan, poison, busy = running(dead), running("a", "b", dead), running(alive)
    assert claims.dead_worker_ids() == [dead]
    # the dead worker's job claim is free for another worker, long before its lease ends
    assert claims.job_claim("mail_poll", lease=dt.timedelta(minutes=30), by=alive, now=now) is None
    assert (
        claims.job_claim(
            "mail_poll", lease=dt.timedelta(minutes=30), by=alive, now=now, dead=claims.dead_worker_ids()
        )
        is not None
    )
    assert claims.tasks_recover() == (1, 1)
    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert (statuses[orphan.pk], statuses[poison.pk], statuses[busy.pk]) == ("READY", "FAILED", "RUNNING")
