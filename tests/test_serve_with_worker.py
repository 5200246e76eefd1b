"""`pelatis serve --with-worker` (what `make run` starts): one command runs the web server and the worker,
a worker that dies is started again, and Ctrl-C stops both."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.served import ROOT, clean_env, free_port, migrated_data_dir


def _until(get: Callable[[], Any], what: str, log: Path, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {log.read_text(errors='replace')[-3000:]}")


def _pids(log: Path, name: str) -> list[int]:
    return [
        int(pid)
        for pid in re.findall(
            rf"\[pelatis serve\] {name} started, pid (\d+)", log.read_text(errors="replace")
        )
    ]


def _live_workers(db: Path) -> list[int]:
    with sqlite3.connect(db, timeout=20) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM channels_workerprocess")]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:  # noqa: S310 — loopback
            return bool(response.status == 200)
    except OSError:
        return False


def _group_gone(pgid: int) -> bool:
    """No live process is left in the group. A zombie counts as gone: it runs nothing, and a container's
    first process may be slow to reap (or never reap) what was reparented to it."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return False
    return True


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path_factory.mktemp("template"))


@pytest.fixture
def served(tmp_path: Path, migrated: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path, Path]]:
    data = migrated_data_dir(tmp_path / "data", template=migrated)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pelatis.cli",
                "serve",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--with-worker",
            ],
            cwd=ROOT,
            env={**clean_env(data), "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # its own process group, as a terminal gives it
    yield process, port, data / "pelatis.sqlite3", log
    if process.poll() is None:  # the test failed half-way: leave nothing running
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _both_up(port: int, db: Path, log: Path) -> int:
    """Waits until the web server answers and the worker has started and beats; the worker's process id."""
    _until(lambda: _answers(port), "the web server", log)
    worker_pid: int = _until(lambda: _pids(log, "worker"), "the worker to start", log)[0]
    _until(lambda: worker_pid in _live_workers(db), "the worker's heartbeat", log)
    return worker_pid


def test_one_command_serves_and_runs_the_worker_and_ctrl_c_stops_both(
    served: tuple[subprocess.Popen[bytes], int, Path, Path],
) -> None:
    process, port, db, log = served
    # the web server answers and the worker says it is alive
    worker_pid = _both_up(port, db, log)
    web_pid = _pids(log, "web server")[0]

    # when: the worker dies, it is started again and registers anew
    os.kill(worker_pid, signal.SIGKILL)
    restarted = _until(lambda: _pids(log, "worker")[1:], "the worker to be started again", log)[0]
    assert restarted != worker_pid
    _until(lambda: restarted in _live_workers(db), "the new worker's heartbeat", log)
    # the new worker takes back what the dead one held and drops its record
    _until(lambda: worker_pid not in _live_workers(db), "the dead worker's record to be dropped", log)
    assert _answers(port)

    # when: Ctrl-C (SIGINT to the whole foreground process group)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 0
    # then: the web server, its gunicorn workers and the worker are all gone
    _until(lambda: _group_gone(process.pid), "every process of the group to exit", log, timeout=30)
    for pid in (web_pid, restarted):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not _answers(port)
    assert _live_workers(db) == []  # the worker stopped cleanly and unregistered


def test_sigterm_to_the_command_alone_stops_both(
    served: tuple[subprocess.Popen[bytes], int, Path, Path],
) -> None:
    process, port, db, log = served
    _both_up(port, db, log)
    # when: only the supervising command is told to stop (a service manager, a `kill`)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    # then: its children were stopped too
    _until(lambda: _group_gone(process.pid), "every process of the group to exit", log, timeout=30)
    assert _live_workers(db) == []
