"""The fault run: the production set-up (PostgreSQL, tasks on RQ and the cache on Redis, `pelatis serve`
with 2 gunicorn workers, 2 `pelatis worker` processes, a real SMTP server) under a small load of ticket
creates, reply sends, searches and inbox pages, while one gunicorn worker is killed (-9), one task worker
is killed (-9) in the middle of sending an email and started again, and Redis is restarted with replies
queued in it. Afterwards every ticket the API confirmed is stored once, every reply it confirmed reached
the SMTP server exactly once, no email went twice, and the tasks queued across the Redis restart ran.

PostgreSQL only (the suite's PostgreSQL run); needs redis-server (fails under CI=true without it)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from redis import Redis

from bench.load import checks
from bench.load.driver import CREATE, INBOX, REPLY, SEARCH, Load, PhaseResult, phase
from bench.load.servers import ROOT, SmtpSink, Web, Workers, pid_of_local_port, wait_for, web_start
from pelatis.channels.tests.instance import instance
from tests.redis_fixture import RedisServer, redis_server_start

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the fault run is PostgreSQL's; the suite's PostgreSQL run has it",
    ),
]

MIX = {CREATE: 0.3, REPLY: 0.4, SEARCH: 0.2, INBOX: 0.1}
TAG = "fault"
TRANSPORT_ERRORS = ("RemoteProtocolError", "ReadError", "ConnectError", "WriteError")


def _seed(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.load.seed", "12", "--small", "12"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _kill_web_worker(web: Web) -> int:
    """kill -9 one gunicorn worker; its master starts another."""
    victim = web.gunicorn_workers()[0]
    os.kill(victim, signal.SIGKILL)
    return victim


def _kill_sender_mid_send(sink: SmtpSink, workers: Workers) -> bool:
    """Hold the SMTP server's answer until a task worker is sending; kill -9 that worker there. True when
    the killed worker was the one sending (its email then counts as not delivered, and must go again)."""
    sink.hold()
    try:
        wait_for(lambda: bool(sink.holding()), seconds=30, what="a task worker sends an email")
        port, conversation = sink.holding()[0]
        pid = pid_of_local_port(port)
        live = {p.pid: p for p in workers.live()}
        victim = live.get(pid or -1) or next(iter(live.values()))
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        if victim.pid != pid:
            return False
        wait_for(
            lambda: conversation.transport is None or conversation.transport.is_closing(),
            seconds=10,
            what="the killed sender's connection closes",
        )
        return True
    finally:
        sink.release()


async def _run(
    load: Load, web: Web, sink: SmtpSink, workers: Workers, redis: RedisServer
) -> dict[str, PhaseResult]:
    results: dict[str, PhaseResult] = {}
    async with load:
        results["steady"] = await phase(load, MIX, clients=4, requests=24, seconds=30)

        # a gunicorn worker dies while requests are in flight
        async def kill_soon() -> None:
            await asyncio.sleep(0.3)
            await asyncio.to_thread(_kill_web_worker, web)

        killed = asyncio.create_task(kill_soon())
        results["web worker killed"] = await phase(load, MIX, clients=4, requests=40, seconds=30)
        await killed
        await asyncio.to_thread(
            wait_for,
            lambda: len(web.gunicorn_workers()) == 2,
            seconds=30,
            what="gunicorn replaces its worker",
        )

        # a task worker dies in the middle of an SMTP conversation, and is started again
        replies = asyncio.create_task(phase(load, {REPLY: 1.0}, clients=2, requests=10, seconds=30))
        mid_send = await asyncio.to_thread(_kill_sender_mid_send, sink, workers)
        assert mid_send, "the worker killed was not the one sending"
        results["task worker killed"] = await replies
        workers.start()

        # Redis restarts with replies queued in it and no worker running: its append-only file keeps them
        await asyncio.to_thread(workers.stop)
        results["queued across the Redis restart"] = await phase(
            load, {REPLY: 1.0}, clients=2, requests=6, seconds=30
        )
        assert _queued(redis) > 0
        await asyncio.to_thread(redis.restart)
        workers.start()
        workers.start()
        results["after Redis restart"] = await phase(load, MIX, clients=4, requests=24, seconds=30)
    return results


def _queued(redis: RedisServer) -> int:
    """Jobs waiting in RQ's default queue (database 0)."""
    client = Redis.from_url(redis.url, socket_timeout=5)
    try:
        return int(client.llen("rq:queue:default"))
    finally:
        client.close()


def test_nothing_lost_or_duplicated_when_processes_die_and_redis_restarts(tmp_path: Path) -> None:
    # given: the production set-up on 127.0.0.1 with a little data
    sink = SmtpSink()
    sink.start()
    redis = redis_server_start(tmp_path / "redis", durable=True)
    (tmp_path / "install").mkdir()
    web = workers = None
    try:
        with instance(tmp_path / "install", email_port=sink.port, email_timeout=10) as inst:
            inst.env.update(
                PELATIS_TASKS_BACKEND="rq",
                PELATIS_REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
                PELATIS_CACHE_URL=f"redis://127.0.0.1:{redis.port}/1",
                PELATIS_EMAIL_HOST="127.0.0.1",
                PELATIS_API_RATE_PER_MINUTE="1000000",
            )
            data = _seed(inst.env)
            web = web_start(inst.env, tmp_path, workers=2)
            workers = Workers(inst.env, tmp_path)
            workers.start()
            workers.start()
            load = Load(
                base=web.base,
                token=str(data["token"]),
                username="agent",
                password="pelatis-demo",  # noqa: S106 — the demo's published log-in, on a throw-away database
                customer_ids=list(data["customer_ids"]),
                reply_tickets=list(data["reply_tickets"]),
                search_words=list(data["search_words"]),
                run_tag=TAG,
            )

            # when: the load runs through the three faults
            # in a thread of its own: an earlier test in this process (a browser test) may have left an
            # event loop running in this one
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                results = pool.submit(asyncio.run, _run(load, web, sink, workers, redis)).result()
            url = inst.env["PELATIS_DATABASE_URL"]
            checks.wait_sent(url, load.replies, seconds=60)

            # then: only the requests the killed web worker held failed, and only at the connection
            for name, result in results.items():
                errors = [e for t in result.tallies.values() for e in t.errors]
                if name == "web worker killed":
                    assert all(e.startswith(TRANSPORT_ERRORS) for e in errors), errors
                else:
                    assert errors == [], (name, errors[:5])
            assert sum(r.tallies[REPLY].count for r in results.values()) >= 10
            assert results["queued across the Redis restart"].tallies[REPLY].count == 6
            assert results["after Redis restart"].tallies[REPLY].count > 0
            created = checks.creation(url, load.created, TAG)
            assert created.answered > 0
            assert created.stored_once == created.answered
            assert created.duplicates == 0
            sent = checks.delivery(url, load.replies, sink.counts())
            assert sent.missing == 0, workers.logs()
            assert sent.delivered_once == sent.replies
            assert sent.delivered_twice == 0
            assert sent.mail_duplicates == 0, sink.counts().most_common(3)
            assert sink.refused >= 1  # the killed worker's email was cut off, and went again (once)
    finally:
        for part in (workers, web):
            if part is not None:
                part.stop()
        redis.stop()
        sink.stop()
