"""The read router against a real PostgreSQL streaming replica: a primary and a hot standby made from it with
``pg_basebackup -R`` (two throw-away servers on 127.0.0.1), Pelatis configured with PELATIS_DATABASE_URL and
PELATIS_DATABASE_REPLICA_URL, as an install with a managed replica is.

With the standby's replay paused, a customer written to the primary is not on the standby yet: the segment
count and the export leave it out, so they read the standby; a write made inside ``replica_reads()`` works
(the standby would refuse it: it is read-only), so writes go to the primary. Once replay resumes, the counts
catch up. Runs in the PostgreSQL run of the suite (it needs the server binaries)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.served import ROOT, clean_env, free_port, pelatis

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL replication; CI runs it there"),
]

STEP = """
import json, time
from django.db import connections
from pelatis.core.dbrouter import replica_reads
from pelatis.customers.exporting import customer_count, customer_rows
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create
from pelatis.engagement.segments import segment_count

EVERYONE = {"op": "and", "rules": []}

def standby(sql):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]

def caught_up(n):
    for _ in range(300):  # at most 30 s
        if Customer.objects.using("replica").count() == n:
            return True
        time.sleep(0.1)
    return False

out = {"in_recovery": standby("SELECT pg_is_in_recovery()")}
customer_create(data=CustomerInput(first_name="Ελένη", last_name="Παππά", emails=["eleni@example.gr"]))
customer_create(data=CustomerInput(first_name="Μαρία", last_name="Νικολάου", emails=["maria@example.gr"]))
out["replicated"] = caught_up(2)
standby("SELECT pg_wal_replay_pause()::text")
with replica_reads():
    sofia = customer_create(data=CustomerInput(first_name="Σοφία", last_name="Δήμου", emails=["sofia@example.gr"]))
out["written_to_primary"] = Customer.objects.using("default").filter(pk=sofia.pk).exists()
out["primary_count"] = Customer.objects.using("default").count()
out["segment_count_paused"] = segment_count(EVERYONE)
out["export_count_paused"] = customer_count(None)
out["export_emails_paused"] = sorted(e for row in customer_rows(None) for e in row if isinstance(e, str) and "@" in e)
try:
    Customer.objects.using("replica").filter(pk=sofia.pk).update(notes="x")
    out["standby_refused_write"] = False
except Exception as exc:
    out["standby_refused_write"] = "read-only" in str(exc)
standby("SELECT pg_wal_replay_resume()::text")
out["caught_up"] = caught_up(3)
out["segment_count_resumed"] = segment_count(EVERYONE)
print("RESULT " + json.dumps(out))
"""


@dataclass
class Cluster:
    data: Path
    port: int
    log: Path


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name)
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries are not installed (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries are not installed here")
    return found[-1].parent


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str]) -> None:
    result = subprocess.run(_as_postgres(argv), capture_output=True, text=True, timeout=120, check=False)  # noqa: S603 — PostgreSQL's own tools, no shell
    assert result.returncode == 0, f"{argv[0]}: {result.stdout[-1500:]}{result.stderr[-1500:]}"


def _start(bindir: Path, cluster: Cluster) -> None:
    options = (
        f"-p {cluster.port} -k {cluster.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c wal_level=replica -c max_wal_senders=4 -c hot_standby=on"
    )
    _run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(cluster.data),
            "-w",
            "-l",
            str(cluster.log),
            "-o",
            options,
            "start",
        ]
    )


@pytest.fixture
def primary_and_standby() -> Iterator[tuple[Cluster, Cluster]]:
    bindir = _postgres_bin()
    # under /tmp itself: pytest's own folder is private to its user, and the servers run as postgres
    root = Path(tempfile.mkdtemp(prefix="pelatis-pg-replica-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary = Cluster(root / "primary", free_port(), root / "primary.log")
    standby = Cluster(root / "standby", free_port(), root / "standby.log")
    started: list[Cluster] = []
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(primary.data),
                "-A",
                "trust",
                "-U",
                "pelatis",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        _start(bindir, primary)
        started.append(primary)
        # a hot standby that streams from the primary (-R writes its primary_conninfo and standby.signal)
        _run(
            [
                str(bindir / "pg_basebackup"),
                "-h", "127.0.0.1", "-p", str(primary.port), "-U", "pelatis",
                "-D", str(standby.data), "-R", "-X", "stream",
            ]
        )  # fmt: skip
        _start(bindir, standby)
        started.append(standby)
        yield primary, standby
    finally:
        for cluster in reversed(started):
            subprocess.run(  # noqa: S603 — PostgreSQL's own tool, no shell
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def test_reads_go_to_the_streaming_replica_and_writes_to_the_primary(
    primary_and_standby: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, standby = primary_and_standby
    env = clean_env(
        tmp_path / "data",
        DJANGO_SETTINGS_MODULE="pelatis.settings",
        PELATIS_DATABASE_URL=f"postgres://pelatis@127.0.0.1:{primary.port}/postgres",
        PELATIS_DATABASE_REPLICA_URL=f"postgres://pelatis@127.0.0.1:{standby.port}/postgres",
    )
    migrated = pelatis("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", f"import django; django.setup(); exec({STEP!r})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [x for x in result.stdout.splitlines() if x.startswith("RESULT ")]
    out = json.loads(line.removeprefix("RESULT "))
    assert out["in_recovery"] is True  # the replica is a real standby
    assert out["replicated"] is True
    assert out["written_to_primary"] is True  # made inside replica_reads(): the primary took it
    assert out["primary_count"] == 3
    assert out["segment_count_paused"] == 2  # the standby's count: Σοφία has not been replayed yet
    assert out["export_count_paused"] == 2
    assert out["export_emails_paused"] == ["eleni@example.gr", "maria@example.gr"]
    assert out["standby_refused_write"] is True
    assert out["caught_up"] is True
    assert out["segment_count_resumed"] == 3
