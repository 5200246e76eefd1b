"""Real Pelatis servers for tests: `pelatis serve` (gunicorn) processes on 127.0.0.1, each in its own
process group, over a throw-away data folder; and a small HTTP client that keeps cookies."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh embedded install in ``data_dir`` (nothing inherited from the test run)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
    return {
        **base,
        "PELATIS_DATA_DIR": str(data_dir),
        "PELATIS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def pelatis(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pelatis.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def django_run(code: str, env: dict[str, str]) -> str:
    """Python ``code`` run after ``django.setup()`` in a process of its own; what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def start_together(
    commands: list[list[str]], env: dict[str, str], meeting: Path
) -> list[subprocess.Popen[str]]:
    """Start processes that each touch ``ready-*`` in ``meeting`` once Django is set up and then wait for ``go``
    there; ``go`` is written when all are ready (or one has already exited, or after 120 s), so their work
    overlaps."""
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for command in commands
    ]
    for _ in range(1200):
        if len(list(meeting.glob("ready-*"))) == len(processes) or any(
            p.poll() is not None for p in processes
        ):
            break
        time.sleep(0.1)
    (meeting / "go").touch()
    return processes


def migrated_data_dir(data_dir: Path, template: Path | None = None) -> Path:
    """``data_dir`` with a migrated SQLite database: copied from ``template`` when given, else `pelatis migrate`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if template is not None:
        for name in ("pelatis.sqlite3", "secret_key"):
            shutil.copy2(template / name, data_dir / name)
        return data_dir
    result = pelatis("migrate", "--noinput", env=clean_env(data_dir))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return data_dir


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # gunicorn's master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def serve(data_dir: Path, *, workers: int = 2, **extra_env: str) -> Server:
    """`pelatis serve 127.0.0.1:PORT --workers N` on ``data_dir``; returns once it answers (at most 60 s)."""
    port = free_port()
    log = data_dir / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pelatis.cli", "serve", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT,
            env=clean_env(data_dir, **extra_env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pelatis serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise AssertionError(f"pelatis serve did not answer in 60 s: {log.read_text(errors='replace')[-2000:]}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Browser:
    """Cookies across requests (to any of the servers, as a load balancer would spread them), no redirects."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, server: Server, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for header, value in raw.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            connection.close()

    def csrf_token(self, server: Server, path: str) -> str:
        page = self.request(server, "GET", path)
        assert page.status == 200, page.text[:500]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)
