"""A throw-away redis-server on 127.0.0.1 for tests that need Redis (the RQ task backend, the Redis cache).

``redis_url`` (function scope) hands each test an empty Redis database:

* by default its own ``redis-server`` (a free port on 127.0.0.1, no persistence, in the test's tmp folder),
  stopped after the test;
* when ``PELATIS_TEST_REDIS_URL`` names an already running server (``scripts/with-engines`` starts one for
  the whole suite), a database of that server reserved for this pytest-xdist worker (counted down from the
  last one, so it never meets the numbers ``pelatis/settings_test.py`` gives the cache and the task queue),
  flushed before and after the test.

Without the ``redis-server`` binary the test FAILS under ``CI=true`` (CI installs it with apt) and is
skipped elsewhere.

``redis_server_start(folder)`` starts a server of the test's own, for tests that stop, kill or restart it
(the fault run): ``RedisServer(url, stop(), kill(), restart())``, always on the same port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from tests.served import free_port

START_TIMEOUT = 15.0  # seconds for a started server to answer PING
STOP_TIMEOUT = 15.0


def redis_binary() -> str:
    """The redis-server binary; fails the test under CI=true when it is missing, skips it elsewhere."""
    found = shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.path.exists(p)), None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed here (CI runs this test)")
    return found


def _command(port: int, *words: str, timeout: float = 2.0) -> bytes:
    """One command over a plain socket (no client retries: a refused connection is an answer here); the
    server's reply, b"" when it closed the connection."""
    request = f"*{len(words)}\r\n".encode() + b"".join(
        f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words
    )
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(request)
        return conn.recv(256)


def _answers(port: int) -> bool:
    try:
        return _command(port, "PING", timeout=1).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """One redis-server process of a test, on 127.0.0.1:``port``; ``url`` points at its database 0."""

    binary: str
    folder: Path
    port: int
    durable: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (again, on the same port and folder) and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        )
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 — handed to the server process, closed with it
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                *persistence,
                "--dir",
                str(self.folder),
                "--databases",
                "16",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = (self.folder / "redis.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"redis-server on 127.0.0.1:{self.port} did not answer: {tail}")
            time.sleep(0.05)

    def stop(self, *, save: bool = False) -> None:
        """Shut the server down (its data kept on disk only when ``save`` or the server is durable)."""
        if self.process is None:
            return
        mode = ["SAVE"] if save else [] if self.durable else ["NOSAVE"]
        try:
            reply = _command(self.port, "SHUTDOWN", *mode, timeout=STOP_TIMEOUT)
        except OSError:
            reply = b""  # the server closes the connection as it goes: that is the answer
        if reply.startswith(b"-"):  # refused (e.g. it could not save): stop it anyway
            self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def kill(self) -> None:
        """kill -9: the server dies at once, as in a crash (what a durable server wrote survives)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def restart(self, *, keep_data: bool = False) -> None:
        """Stop and start again on the same port: clients reconnect to the same URL. Without ``keep_data``
        (and a server that is not durable) everything in it is gone, as after a restart of a cache-only
        Redis."""
        self.stop(save=keep_data)
        if not keep_data and not self.durable:
            (self.folder / "dump.rdb").unlink(missing_ok=True)
        self.start()


def redis_server_start(folder: Path, *, durable: bool = False) -> RedisServer:
    """Start a redis-server of the caller's own in ``folder`` on a free port of 127.0.0.1 (``durable``:
    append-only file, fsync always). The caller stops it (``stop()``)."""
    server = RedisServer(binary=redis_binary(), folder=folder, port=free_port(), durable=durable)
    server.start()
    return server


def _worker_slot() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0


def _shared_database(base_url: str) -> str:
    """This xdist worker's database on the suite-wide server: the last one for the main process, one
    lower per worker; never one of the cache's or the task queue's (1 + 2 * slot, 2 + 2 * slot)."""
    parts = urlsplit(base_url)
    client = redis.Redis.from_url(
        urlunsplit((parts.scheme, parts.netloc, "/0", parts.query, "")), socket_timeout=5
    )
    databases = int(client.config_get("databases").get("databases") or 16)
    client.close()
    slot = _worker_slot()
    number = databases - 1 - slot
    if number <= 2 + 2 * slot:
        pytest.fail(
            f"the Redis server at {parts.netloc} has {databases} databases, too few for xdist worker {slot}: "
            "start it with --databases 64 (scripts/with-engines does)"
        )
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """An empty Redis database for this test: ``redis://127.0.0.1:PORT/N``."""
    shared = os.environ.get("PELATIS_TEST_REDIS_URL", "").strip()
    if shared:
        url = _shared_database(shared)
        client = redis.Redis.from_url(url, socket_timeout=5)
        client.flushdb()
        try:
            yield url
        finally:
            client.flushdb()
            client.close()
        return
    server = redis_server_start(tmp_path / "redis")
    try:
        yield server.url
    finally:
        server.stop()
