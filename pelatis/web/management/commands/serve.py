from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# The worker, when it dies, is started again after 1, 2, 4 … seconds, at most this long; a worker that
# ran for a while without dying starts from 1 second again.
RESTART_BACKOFF_MAX = 60.0
HEALTHY_AFTER = 60.0
STOP_GRACE = 20.0  # seconds each child gets to stop after SIGTERM before it is killed
GUNICORN_GRACE = 10.0  # seconds gunicorn's workers get to finish their requests: inside STOP_GRACE
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_folder_prepare(port: str) -> Path:
    """The folder where every gunicorn worker keeps its request metrics, so that /metrics, whichever worker
    answers it, adds up all of them: ``PROMETHEUS_MULTIPROC_DIR`` when the operator set it, else
    ``DATA_DIR/metrics/serve-PORT``. The numbers of an earlier run are removed (prometheus_client needs an
    empty folder at start); the variable is set for the server's processes."""
    given = os.environ.get(MULTIPROC_ENV)
    folder = Path(given) if given else Path(settings.DATA_DIR) / "metrics" / f"serve-{port}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


class Command(BaseCommand):
    help = (
        "Serve Pelatis with gunicorn (a production-grade WSGI server): pelatis serve [ADDR:PORT]. "
        "--with-worker also runs `pelatis worker` beside it (restarted if it dies); Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PELATIS_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run the background worker (emails, mail polling, SLA clocks) as a child process",
        )

    def handle(
        self, *args: Any, addrport: str, workers: int, threads: int, with_worker: bool, **options: Any
    ) -> None:
        if ":" not in addrport:
            addrport = f"127.0.0.1:{addrport}"
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"{addrport!r} is not ADDR:PORT")
        # The demo prints its logins when it creates them; a live install's accounts are its own.
        metrics_folder_prepare(port)
        self.stdout.write(self.style.SUCCESS(f"Pelatis is serving on http://{host}:{port}/"))
        self.stdout.flush()
        argv = [
            "gunicorn",
            "--config",
            "python:pelatis.web.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            # no search words, filters or link tokens in the access log (they can name a customer)
            "--logger-class",
            "pelatis.web.accesslog.AccessLogger",
            "--timeout",
            "120",
            "--graceful-timeout",
            str(int(GUNICORN_GRACE)),
            "pelatis.wsgi:application",
        ]
        if with_worker:
            code = Supervisor(
                self,
                web=[sys.executable, "-m", "gunicorn", *argv[1:]],
                worker=[sys.executable, "-m", "pelatis.cli", "worker"],
            ).run()
            sys.exit(code)
        # A fresh interpreter (same process id, so signals and process groups are as before): this one has
        # loaded prometheus_client before the metrics folder was set, and gunicorn's workers would inherit it.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *argv[1:]])  # noqa: S606 — our own interpreter and arguments, no shell


class Supervisor:
    """Runs the web server and the worker as child processes: a worker that dies is started again (with
    back-off); when the web server stops, or on Ctrl-C / SIGTERM, both are stopped and waited for."""

    def __init__(self, command: BaseCommand, *, web: list[str], worker: list[str]) -> None:
        self.out = command.stdout
        self.web_argv, self.worker_argv = web, worker
        self.stopping = False
        self.signal_received = 0

    def _say(self, text: str) -> None:
        self.out.write(f"[pelatis serve] {text}")
        self.out.flush()

    def _start(self, argv: list[str], name: str, *, own_group: bool = False) -> subprocess.Popen[bytes]:
        # The worker shares the terminal's process group, so Ctrl-C reaches it too. The web server gets a
        # group of its own: it hears one signal only (ours, below), and whatever it leaves behind (a
        # gunicorn worker stuck in its shutdown) can be killed as a group once it is gone.
        process = subprocess.Popen(argv, start_new_session=own_group)  # noqa: S603 — our own interpreter and arguments, no shell
        self._say(f"{name} started, pid {process.pid}")
        return process

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True
        self.signal_received = signum

    def run(self) -> int:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        web = self._start(self.web_argv, "web server", own_group=True)
        worker: subprocess.Popen[bytes] | None = self._start(self.worker_argv, "worker")
        worker_started = time.monotonic()
        backoff = 1.0
        restart_at: float | None = None
        code = 0
        try:
            while not self.stopping:
                web_code = web.poll()
                if web_code is not None:
                    self._say(f"web server exited with status {web_code}: stopping")
                    code = web_code or 1
                    break
                now = time.monotonic()
                if worker is not None and worker.poll() is not None:
                    lived = now - worker_started
                    if lived >= HEALTHY_AFTER:
                        backoff = 1.0
                    self._say(
                        f"worker exited with status {worker.returncode}; starting it again in {backoff:.0f} s"
                    )
                    worker, restart_at = None, now + backoff
                    backoff = min(backoff * 2, RESTART_BACKOFF_MAX)
                if worker is None and restart_at is not None and now >= restart_at:
                    worker, restart_at = self._start(self.worker_argv, "worker"), None
                    worker_started = now
                time.sleep(0.2)
        finally:
            self._stop([p for p in (worker, web) if p is not None])
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(web.pid, signal.SIGKILL)  # nothing of the web server outlives it
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.signal_received:
            self._say("stopped")
        return code

    def _stop(self, children: list[subprocess.Popen[bytes]]) -> None:
        """SIGTERM each child, wait up to STOP_GRACE seconds in all, then kill what is left."""
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=10)
