"""A real Pelatis install for fault tests: its own database (an SQLite file in a temporary data
directory, or a fresh database on the PostgreSQL server the suite runs on), driven by `pelatis`
subprocesses, with mail going to an SMTP server (aiosmtpd) in the test process.

The first install of a session is migrated once and kept as a template; each test gets a copy.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[3]
_template: dict[str, str] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_url() -> str:
    url = os.environ.get("PELATIS_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class Instance:
    """One install: ``run``/``start`` the `pelatis` command, ``shell`` runs Python in it and returns the JSON
    it prints last."""

    def __init__(self, root: Path, *, email_port: int, email_timeout: float) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.pg_url = _postgres_url()
        self.db_name = ""
        (root / "pelatis_fault_settings.py").write_text(
            f"from pelatis.settings import *  # noqa: F403\nEMAIL_TIMEOUT = {email_timeout!r}\n",
            encoding="utf-8",
        )
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
        self.env = {
            **base,
            "PYTHONPATH": os.pathsep.join([str(root), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "pelatis_fault_settings",
            "PELATIS_DATA_DIR": str(self.data_dir),
            "PELATIS_SECRET_KEY": "fault-test-" + uuid.uuid4().hex * 2,
            "PELATIS_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PELATIS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "PELATIS_EMAIL_HOST": "127.0.0.1",
            "PELATIS_EMAIL_PORT": str(email_port),
            "PELATIS_LOG_LEVEL": "WARNING",
        }
        if self.pg_url:
            self.db_name = f"pelatis_fault_{uuid.uuid4().hex[:10]}"
            self.env["PELATIS_DATABASE_URL"] = _with_db(self.pg_url, self.db_name)
        self.processes: list[subprocess.Popen[str]] = []

    def create(self) -> None:
        """A migrated database: a copy of the session's template (migrated on first use)."""
        key = self.pg_url or "sqlite"
        if key not in _template:
            template_dir = Path(tempfile.mkdtemp(prefix="pelatis-fault-template-"))
            template = Instance(template_dir, email_port=25, email_timeout=5)
            if template.pg_url:
                _pg(template.pg_url, f'CREATE DATABASE "{template.db_name}"')
            template.run("migrate", "--no-input", timeout=600)
            _template[key] = template.db_name or str(template.data_dir)
        if self.pg_url:
            _pg(self.pg_url, f'CREATE DATABASE "{self.db_name}" TEMPLATE "{_template[key]}"')
        else:
            shutil.copytree(_template[key], self.data_dir)

    def drop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        if self.pg_url and self.db_name:
            _pg(self.pg_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pelatis.cli", *args],
            cwd=ROOT,
            env=self.env,
            text=True,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"pelatis {' '.join(args[:1])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def start(self, *args: str) -> subprocess.Popen[str]:
        log = open(self.root / f"{args[0]}-{len(self.processes)}.log", "w", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "pelatis.cli", *args],
            cwd=ROOT,
            env=self.env,
            text=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(proc)
        return proc

    def start_shell(self, code: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pelatis.cli", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.processes.append(proc)
        return proc

    def shell(self, code: str, timeout: float = 300) -> Any:
        return json.loads(self.run("shell", "-c", code, timeout=timeout).stdout.strip().splitlines()[-1])

    def log(self) -> str:
        return "\n".join(
            p.read_text(encoding="utf-8")[-4000:] for p in sorted(self.root.glob("worker-*.log"))
        )


def stop(proc: subprocess.Popen[str]) -> None:
    """Ask a worker to stop (SIGTERM), kill it if it does not."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@contextmanager
def instance(tmp_path: Path, *, email_port: int, email_timeout: float = 20) -> Iterator[Instance]:
    inst = Instance(tmp_path, email_port=email_port, email_timeout=email_timeout)
    inst.create()
    try:
        yield inst
    finally:
        inst.drop()


class Mailbox:
    """An SMTP server's view: every delivery in order, with its Message-ID."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[str] = []

    def add(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=policy.default)
        with self.lock:
            self.deliveries.append(str(message["Message-ID"] or "").strip())

    def message_ids(self) -> list[str]:
        with self.lock:
            return list(self.deliveries)


class SlowHandler:
    """Keeps each message, then waits ``delay`` seconds before answering 250 (so a kill can land after the
    server has a message and before the sender has heard so); ``stall`` holds DATA until released."""

    def __init__(self, mailbox: Mailbox, *, delay: float = 0.0, stall: float = 0.0) -> None:
        self.mailbox, self.delay, self.stall = mailbox, delay, stall
        self.stalled = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's name
        if self.stall:
            self.stalled.set()
            for _ in range(int(self.stall / 0.1)):  # bounded: at most ``stall`` seconds
                if self.released.is_set():
                    break
                await asyncio.sleep(0.1)
            return "451 Try again later"
        self.mailbox.add(envelope.original_content or envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"


@contextmanager
def smtp_server(handler: Any) -> Iterator[int]:
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        if hasattr(handler, "released"):
            handler.released.set()
        controller.stop()


def wait_until(check: Callable[[], bool], *, seconds: float, step: float = 0.02) -> bool:
    """Poll ``check`` until it holds or ``seconds`` have passed (a bound, never asserted on)."""
    for _ in range(int(seconds / step)):
        if check():
            return True
        time.sleep(step)
    return check()
