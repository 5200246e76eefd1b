"""Tasks on RQ: the settings that switch it on, what the queue reports (for /readyz and /metrics) on both
backends, jobs a dead worker left started taken back, and a worker that carries on while Redis is down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_rq.backend import Job
from rq.executions import Execution
from rq.job import JobStatus
from rq.queue import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.worker import Worker

from pelatis.channels.models import JobRun
from pelatis.channels.tasks import acknowledgement_send_task
from pelatis.conf.tasks import DATABASE_BACKEND, RQ_BACKEND, RQ_JOB_TIMEOUT, task_settings
from pelatis.core import taskqueue
from pelatis.core.taskqueue import queue_ready, queue_stats, rq_jobs_recover
from tests.redis_fixture import redis_server_start
from tests.task_path import (
    results,
    task_backend,  # noqa: F401 — the fixture, used by the queue tests
    worker_round,
)

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = dt.timedelta(minutes=30)


# --- settings ------------------------------------------------------------------------------------------


def test_the_database_backend_is_the_default_and_rq_needs_a_redis_url() -> None:
    assert task_settings("", "").tasks == {"default": {"BACKEND": DATABASE_BACKEND}}
    assert task_settings("database", "").apps == ()
    rq = task_settings("RQ", "redis://127.0.0.1:6379/3")
    assert rq.tasks == {"default": {"BACKEND": RQ_BACKEND}}
    assert rq.rq_queues == {"default": {"URL": "redis://127.0.0.1:6379/3", "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT}}
    assert rq.apps == ("django_rq",)
    with pytest.raises(ImproperlyConfigured, match="PELATIS_REDIS_URL"):
        task_settings("rq", "")
    with pytest.raises(ImproperlyConfigured, match="PELATIS_REDIS_URL must be"):
        task_settings("rq", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="PELATIS_TASKS_BACKEND"):
        task_settings("celery", "")


# --- what the queue reports, on both backends -------------------------------------------------------------


def test_queue_stats_count_waiting_and_failed_tasks_and_the_oldest_wait(task_backend: str) -> None:  # noqa: F811 — the fixture
    # given: an empty queue
    empty = queue_stats()
    assert (empty.backend, empty.ok, empty.queued, empty.oldest_age_seconds) == (task_backend, True, 0, None)
    assert queue_ready()
    # when: two tasks wait (nothing runs them: no worker)
    before = timezone.now()
    acknowledgement_send_task.enqueue(ticket_id=101)
    acknowledgement_send_task.enqueue(ticket_id=102)
    waited = (timezone.now() - before).total_seconds()
    # then
    stats = queue_stats()
    assert stats.ok
    assert stats.queued == 2
    assert stats.oldest_age_seconds is not None
    assert 0 <= stats.oldest_age_seconds < waited + 60  # measured from the enqueue, not from the epoch
    assert stats.failed == 0
    assert results(acknowledgement_send_task) == [TaskResultStatus.READY] * 2


def test_a_failed_task_is_counted(task_backend: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811 — the fixture
    # given: a task whose service fails
    from pelatis.channels import outbound

    def broken(ticket_id: int) -> None:
        raise RuntimeError("SMTP refused")

    monkeypatch.setattr(outbound, "acknowledgement_send", broken)
    acknowledgement_send_task.enqueue(ticket_id=7)
    # when
    worker_round()
    # then
    stats = queue_stats()
    assert (stats.queued, stats.failed) == (0, 1)
    assert results(acknowledgement_send_task) == [TaskResultStatus.FAILED]


def test_a_task_to_run_later_waits_until_its_time(task_backend: str, smtp_server: Any) -> None:  # noqa: F811 — the fixture
    # given: one task whose time has come, one due in an hour
    due = acknowledgement_send_task.using(run_after=timezone.now() - dt.timedelta(seconds=1))
    later = acknowledgement_send_task.using(run_after=timezone.now() + dt.timedelta(hours=1))
    due.enqueue(ticket_id=1)
    later.enqueue(ticket_id=2)
    # when
    worker_round()
    # then: the first ran (its ticket does not exist: nothing to send), the second still waits
    assert results(acknowledgement_send_task, ticket_id=1) == [TaskResultStatus.SUCCESSFUL]
    assert results(acknowledgement_send_task, ticket_id=2) == [TaskResultStatus.READY]
    assert queue_stats().queued == 0  # waiting, but not due: not counted as queued


@pytest.fixture
def stopped_redis(tmp_path: Path, settings: Any) -> None:
    """Tasks on RQ, whose Redis has gone away."""
    server = redis_server_start(tmp_path / "gone")
    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
    settings.RQ_QUEUES = {"default": {"URL": server.url, "DEFAULT_TIMEOUT": 600}}
    server.stop()
    return


def test_an_unreachable_redis_is_reported_not_raised(stopped_redis: None) -> None:
    assert queue_ready() is False
    stats = queue_stats()
    assert (stats.backend, stats.ok, stats.queued) == ("rq", False, 0)


def test_the_worker_runs_its_periodic_jobs_while_redis_is_down_and_says_so(stopped_redis: None) -> None:
    # when
    with pytest.raises(CommandError, match="Redis did not answer"):
        call_command("worker", "--once")
    # then: the periodic jobs ran all the same (they need only the database)
    assert JobRun.objects.filter(name="sla_scan", runs=1).exists()


def test_queued_tasks_resume_when_redis_comes_back(tmp_path: Path, settings: Any) -> None:
    # given: two tasks queued on a Redis that keeps its data across a restart
    server = redis_server_start(tmp_path / "redis")
    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
    settings.RQ_QUEUES = {"default": {"URL": server.url, "DEFAULT_TIMEOUT": 600}}
    try:
        acknowledgement_send_task.enqueue(ticket_id=11)
        acknowledgement_send_task.enqueue(ticket_id=12)
        server.stop(save=True)
        # when: a worker round while Redis is down, then Redis is back and the next round
        with pytest.raises(CommandError):
            call_command("worker", "--once")
        server.start()
        worker_round()
        # then: both ran, once each
        assert results(acknowledgement_send_task) == [TaskResultStatus.SUCCESSFUL] * 2
        assert queue_stats().queued == 0
    finally:
        server.stop()


# --- jobs a dead worker left started ----------------------------------------------------------------------


@pytest.fixture
def rq_queue(redis_url: str, settings: Any) -> Queue:
    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    from django_rq.queues import get_queue

    return get_queue("default", job_class=Job)


def _started_by(queue: Queue, worker: str) -> Job:
    """A queued task taken by ``worker`` as RQ's worker takes it (it then never finishes)."""
    result = acknowledgement_send_task.enqueue(ticket_id=55)
    job = queue.dequeue_any([queue], timeout=None, connection=queue.connection, job_class=Job)
    assert job is not None
    taken = job[0]
    assert taken.id == result.id
    with queue.connection.pipeline() as pipe:
        Execution.create(taken, ttl=600, pipeline=pipe, worker_name=worker)
        taken.prepare_for_execution(worker, pipe)
        pipe.execute()
    return Job.fetch(taken.id, connection=queue.connection)  # type: ignore[return-value]  # rq types fetch as its base Job


def test_a_job_left_started_by_a_dead_worker_goes_back_to_its_queue(rq_queue: Queue) -> None:
    job = _started_by(rq_queue, "host:4242:dead")
    # when: a live worker's job is left alone...
    assert rq_jobs_recover(dead=set(), alive={"host:4242:dead"}, lease=LEASE, max_tries=3) == (0, 0)
    assert job.get_status() == JobStatus.STARTED
    # ...and the dead worker's is taken back, by one recovering worker only
    assert rq_jobs_recover(dead={"host:4242:dead"}, alive=set(), lease=LEASE, max_tries=3) == (1, 0)
    assert rq_jobs_recover(dead={"host:4242:dead"}, alive=set(), lease=LEASE, max_tries=3) == (0, 0)
    # then
    assert job.get_status() == JobStatus.QUEUED
    assert rq_queue.get_job_ids() == [job.id]
    assert StartedJobRegistry(queue=rq_queue).get_job_count(cleanup=False) == 0
    assert queue_stats().queued == 1


def test_a_job_of_an_unknown_worker_is_taken_back_only_after_the_lease(rq_queue: Queue) -> None:
    job = _started_by(rq_queue, "elsewhere:1:gone")
    assert rq_jobs_recover(dead=set(), alive=set(), lease=LEASE, max_tries=3) == (0, 0)
    later = timezone.now() + LEASE + dt.timedelta(minutes=1)
    # an RQ worker that is registered in Redis (e.g. a plain `rq worker`) is alive, however long it runs
    foreign = Worker([rq_queue], connection=rq_queue.connection, name="elsewhere:1:gone")
    foreign.register_birth()  # type: ignore[no-untyped-call]  # rq leaves it unannotated
    assert rq_jobs_recover(dead=set(), alive=set(), lease=LEASE, max_tries=3, now=later) == (0, 0)
    foreign.register_death()  # type: ignore[no-untyped-call]  # rq leaves it unannotated
    assert rq_jobs_recover(dead=set(), alive=set(), lease=LEASE, max_tries=3, now=later) == (1, 0)
    assert job.get_status() == JobStatus.QUEUED


def test_a_job_that_took_its_workers_down_too_often_is_given_up(rq_queue: Queue) -> None:
    # given: the same task took two workers down and is started by a third, which dies too
    job = _started_by(rq_queue, "w:1:a")
    assert rq_jobs_recover(dead={"w:1:a"}, alive=set(), lease=LEASE, max_tries=3) == (1, 0)
    rq_queue.remove(job.id)
    _restart(rq_queue, job, "w:2:b")
    assert rq_jobs_recover(dead={"w:2:b"}, alive=set(), lease=LEASE, max_tries=3) == (1, 0)
    rq_queue.remove(job.id)
    _restart(rq_queue, job, "w:3:c")
    # when
    assert rq_jobs_recover(dead={"w:3:c"}, alive=set(), lease=LEASE, max_tries=3) == (0, 1)
    # then: failed, not queued again; counted as failed
    assert Job.fetch(job.id, connection=rq_queue.connection).get_status() == JobStatus.FAILED
    assert job.id in FailedJobRegistry(queue=rq_queue).get_job_ids(cleanup=False)
    assert rq_queue.count == 0
    assert (queue_stats().queued, queue_stats().failed) == (0, 1)
    assert results(acknowledgement_send_task) == [TaskResultStatus.FAILED]


def _restart(queue: Queue, job: Job, worker: str) -> None:
    fresh = Job.fetch(job.id, connection=queue.connection)
    with queue.connection.pipeline() as pipe:
        Execution.create(fresh, ttl=600, pipeline=pipe, worker_name=worker)
        fresh.prepare_for_execution(worker, pipe)
        pipe.execute()


def test_the_backend_names() -> None:
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": DATABASE_BACKEND}}):
        assert taskqueue.backend_name() == "database"
    with override_settings(TASKS={"default": {"BACKEND": RQ_BACKEND}}):
        assert taskqueue.backend_name() == "rq"
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        assert taskqueue.backend_name() == "immediate"
        assert queue_stats().queued == 0
