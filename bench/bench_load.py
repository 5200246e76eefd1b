"""The production set-up under load, all on 127.0.0.1: PostgreSQL, Redis (tasks on RQ, the cache and rate
limits), `pelatis serve --workers 2` (gunicorn), 2 `pelatis worker` processes and an SMTP server, over the
demo data set. An asyncio/httpx client drives customer search and ticket create through the API, the inbox
page in a logged-in session and reply sends, first each kind alone and then mixed, with the bare view
(`/healthz`, the full middleware stack and no database) as the reference measured in the same run. Every
reply must reach the SMTP server exactly once; every created ticket must be stored once.

Bounded: at most LOAD_SECONDS per phase (PELATIS_BENCH_LOAD_SECONDS), so the whole run takes a few
minutes. PELATIS_BENCH_TASKS=database measures the embedded task backend instead of RQ."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .common import Report, scale
from .load import checks
from .load.driver import BARE, CREATE, INBOX, REPLY, SEARCH, Load, PhaseResult, phase
from .load.servers import (
    ROOT,
    ServerMissing,
    SmtpSink,
    Workers,
    pelatis_env,
    pelatis_run,
    postgres_start,
    redis_start,
    web_start,
)

CLIENTS = 8  # 2 gunicorn workers x 4 threads: every server thread busy
MIXED = {SEARCH: 0.35, INBOX: 0.2, CREATE: 0.2, REPLY: 0.1, BARE: 0.15}
TARGET = {SEARCH: "≥ 0.5× bare", CREATE: "≥ 0.5× bare"}
TAG = "load"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _drive(load: Load, seconds: float, requests: int) -> tuple[dict[str, PhaseResult], PhaseResult]:
    async def go() -> tuple[dict[str, PhaseResult], PhaseResult]:
        async with load:
            await phase(
                load, dict.fromkeys(MIXED, 1.0), clients=CLIENTS, requests=100, seconds=seconds
            )  # warm
            alone = {}
            for kind in (BARE, SEARCH, CREATE, INBOX, REPLY):
                alone[kind] = await phase(
                    load, {kind: 1.0}, clients=CLIENTS, requests=requests, seconds=seconds
                )
            mixed = await phase(load, MIXED, clients=CLIENTS, requests=requests * 3, seconds=seconds * 3)
            return alone, mixed

    return asyncio.run(go())


def _report(report: Report, alone: dict[str, PhaseResult], mixed: PhaseResult) -> None:
    bare = alone[BARE].rate(BARE)
    for kind, result in alone.items():
        tally, rate = result.tallies[kind], result.rate(kind)
        report.add(
            "load (alone)",
            kind,
            f"{rate:.0f} req/s, p50 {_ms(tally.p50)}, p99 {_ms(tally.p99)}, {len(tally.errors)} errors",
            reference=f"bare view {bare:.0f} req/s",
            ratio=f"{rate / bare:.2f}×" if bare else "",
            target=TARGET.get(kind, "0 errors"),
        )
    for kind, tally in mixed.tallies.items():
        rate = mixed.rate(kind)
        report.add(
            "load (mixed)",
            kind,
            f"{rate:.0f} req/s, p50 {_ms(tally.p50)}, p99 {_ms(tally.p99)}, {len(tally.errors)} errors",
            reference=f"bare view alone {bare:.0f} req/s",
            target="0 errors",
        )
    total = sum(t.count for t in mixed.tallies.values())
    report.add("load (mixed)", "all kinds", f"{total / mixed.seconds:.0f} req/s over {mixed.seconds:.0f} s")
    errors = [e for r in [*alone.values(), mixed] for t in r.tallies.values() for e in t.errors]
    for detail in errors[:5]:
        print(f"load: error: {detail}", file=sys.stderr)


def run(report: Report, work: Path) -> None:
    seconds = float(os.environ.get("PELATIS_BENCH_LOAD_SECONDS", "10"))
    backend = os.environ.get("PELATIS_BENCH_TASKS", "rq")
    started = time.monotonic()
    busy = os.getloadavg()[0]  # other work on the machine shares its cores with this run
    try:
        postgres = postgres_start()
    except ServerMissing as exc:
        report.add("load", "skipped", f"not installed here: {exc}")
        return
    try:
        redis = redis_start(work / "redis")
    except ServerMissing as exc:
        postgres.stop()
        report.add("load", "skipped", f"not installed here: {exc}")
        return
    smtp = SmtpSink()
    smtp.start()
    web = workers = None
    try:
        env = pelatis_env(
            work / "data",
            PELATIS_DATABASE_URL=postgres.url,
            PELATIS_TASKS_BACKEND=backend,
            PELATIS_REDIS_URL=f"{redis.url}/0",
            PELATIS_CACHE_URL=f"{redis.url}/1",
            PELATIS_EMAIL_HOST="127.0.0.1",
            PELATIS_EMAIL_PORT=str(smtp.port),
            # one token drives the whole load: its per-minute limit (counted in Redis) must not refuse it
            PELATIS_API_RATE_PER_MINUTE="10000000",
        )
        pelatis_run(env, "migrate", "--noinput")
        pelatis_run(env, "demo", "--customers", str(scale(2000)))
        seeded = subprocess.run(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "bench.load.seed", "200"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        # One round of every periodic job first (a fresh install has them all due: dashboards, CLV scores,
        # recommendations, surveys), so the load meets workers in their steady state, as in production.
        pelatis_run(env, "worker", "--once")
        ready = time.monotonic() - started
        web = web_start(env, work, workers=2)
        workers = Workers(env, work)
        workers.start()
        workers.start()
        load = Load(
            base=web.base,
            token=data["token"],
            username="agent",
            password="pelatis-demo",  # noqa: S106 — the demo's published log-in, on a throw-away database
            customer_ids=data["customer_ids"],
            reply_tickets=data["reply_tickets"],
            search_words=data["search_words"],
            run_tag=TAG,
        )
        alone, mixed = _drive(load, seconds, requests=int(seconds * 400))
        waited = checks.wait_sent(postgres.url, load.replies, seconds=120)
        sent = checks.delivery(postgres.url, load.replies, smtp.counts())
        created = checks.creation(postgres.url, load.created, TAG)

    finally:
        for part in (workers, web, smtp, redis, postgres):
            if part is not None:
                part.stop()
    _report(report, alone, mixed)
    report.add(
        "load",
        "replies sent exactly once",
        f"{sent.delivered_once} of {sent.replies} once, {sent.delivered_twice} twice, {sent.missing} not sent; "
        f"{sent.mail} emails in all, {sent.mail_duplicates} Message-IDs twice",
        reference=f"queue drained {waited:.0f} s after the load",
        target="all once",
    )
    report.add(
        "load",
        "tickets created exactly once",
        f"{created.stored_once} of {created.answered} once, {created.duplicates} duplicated",
        target="all once",
    )
    report.add(
        "load",
        "set-up",
        f"tasks on {backend}, 2 web + 2 task workers, {scale(2000)} demo customers",
        reference=f"servers and data ready in {ready:.0f} s; {os.cpu_count()} cores, load average {busy:.1f} "
        "before the run",
    )
