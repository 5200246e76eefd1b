"""Throw-away servers on 127.0.0.1 for the load run and the fault run: PostgreSQL (as
``scripts/with-postgres`` starts it), Redis, an SMTP sink that counts each Message-ID, and the Pelatis
processes (`pelatis serve` with its gunicorn workers, `pelatis worker`). Every wait is bounded."""

from __future__ import annotations

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class ServerMissing(RuntimeError):
    """A server binary this run needs is not installed on this machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], *, seconds: float, what: str, step: float = 0.1) -> None:
    """Poll ``check`` until it holds; after ``seconds`` raise naming ``what``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        time.sleep(step)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- PostgreSQL


def postgres_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@dataclass
class Postgres:
    folder: Path
    port: int
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgres://pelatis@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgres://pelatis@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        _as_postgres(
            [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess[str]:
    # PostgreSQL refuses to run as root: as root (a container), run it as the postgres user.
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603 — fixed binaries and arguments, no shell


def postgres_start() -> Postgres:
    """A fresh PostgreSQL cluster on a free port (trust auth, user ``pelatis``, no fsync), in a folder of
    its own under /tmp (the postgres user must reach it when we run as root); ``stop()`` removes it."""
    bindir = postgres_bindir()
    if bindir is None:
        raise ServerMissing("PostgreSQL server binaries (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="pelatis-pg."))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    done = _as_postgres(
        [str(bindir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "pelatis", "-E", "UTF8"]
        + ["--locale=C.UTF-8"]
    )
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    done = _as_postgres(
        [str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-w", "-l", str(folder / "log"), "-o", options]
        + ["start"]
    )
    if done.returncode != 0:
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr[-2000:]}")
    return Postgres(folder, port, bindir)


# ---------------------------------------------------------------- Redis


@dataclass
class Redis:
    """A redis-server with append-only persistence (as production runs it for a task queue)."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServerMissing("redis-server (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 — a fixed binary and arguments, no shell
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder)]
            + ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--databases", "16"]
            + ["--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), seconds=20, what="redis-server answers")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes its append-only file and exits
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


def redis_start(folder: Path) -> Redis:
    server = Redis(folder, free_port())
    server.start()
    return server


# ---------------------------------------------------------------- SMTP sink


class SmtpSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that counts every message it accepts by its Message-ID.

    A message counts as delivered when the server answers 250 to a sender still connected, as a real
    mail server takes responsibility for it then. ``hold()`` makes new messages wait before that answer
    (so a sender can be killed mid-send), ``release()`` lets them go: one whose sender is gone by then
    is refused, not counted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()
        self.port = free_port()
        self.controller: Any = None
        self.open = threading.Event()
        self.open.set()
        self.held: list[tuple[int, Any]] = []  # (sender's port, its connection) of messages waiting
        self.refused = 0  # messages whose sender left before the answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's hook name
        import asyncio

        if not self.open.is_set():
            with self.lock:
                self.held.append((int(session.peer[1]), server))
            try:
                for _ in range(600):  # at most 60 s
                    if self.open.is_set():
                        break
                    await asyncio.sleep(0.1)
            except asyncio.CancelledError:  # the sender's connection was lost: aiosmtpd drops the session
                with self.lock:
                    self.refused += 1
                raise
        if server.transport is None or server.transport.is_closing():
            with self.lock:
                self.refused += 1
            return "451 Sender gone"
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        key = str(message["Message-ID"] or "").strip()
        with self.lock:
            self.message_ids[key] += 1
        return "250 OK"

    def hold(self) -> None:
        with self.lock:
            self.held.clear()
        self.open.clear()

    def release(self) -> None:
        self.open.set()

    def holding(self) -> list[tuple[int, Any]]:
        with self.lock:
            return list(self.held)

    def start(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per connection otherwise
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(self.message_ids)


# ---------------------------------------------------------------- Pelatis processes


def pelatis_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """A clean environment for Pelatis processes: nothing of the caller's PELATIS_*/DJANGO_* leaks in."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
    return {**base, "PELATIS_DATA_DIR": str(data_dir), "PELATIS_LOG_LEVEL": "WARNING", **settings}


def pelatis_run(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`pelatis ARGS` to completion; its output (raises with the output's end if it fails)."""
    done = subprocess.run(  # noqa: S603 — our own interpreter and arguments, no shell
        [sys.executable, "-m", "pelatis.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pelatis {args[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def pid_of_local_port(port: int) -> int | None:
    """The process holding the TCP socket bound to 127.0.0.1:``port`` (from /proc), if it is visible."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) in inodes:
                return int(fd.parent.parent.name)
        except OSError:
            continue  # gone, or not ours to read
    return None


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return sorted(found)


@dataclass
class Web:
    """`pelatis serve 127.0.0.1:PORT --workers N` in a process group of its own."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def gunicorn_workers(self) -> list[int]:
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def web_start(env: dict[str, str], folder: Path, *, workers: int = 2, threads: int = 4) -> Web:
    port = free_port()
    log = folder / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments, no shell
            [sys.executable, "-m", "pelatis.cli", "serve", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    web = Web(port, process, log)

    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"pelatis serve exited: {log.read_text(errors='replace')[-2000:]}")
        return port_open(port) and len(web.gunicorn_workers()) >= workers

    wait_for(up, seconds=60, what="pelatis serve answers")
    return web


@dataclass
class Workers:
    """`pelatis worker` processes; each writes its own log."""

    env: dict[str, str]
    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *extra: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"worker-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments, no shell
                [sys.executable, "-m", "pelatis.cli", "worker", *extra],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def live(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes if p.poll() is None]

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.folder.glob("worker-*.log"))
        )

    def stop(self) -> None:
        for process in self.live():
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
