from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from pelatis.channels.jobs import JOBS

log = logging.getLogger("pelatis.worker")


class Command(BaseCommand):
    help = ("Run background work: queued tasks (emails) and the periodic jobs (IMAP polling, SLA clocks, "
            "acknowledgements, follow-ups, retries). --once runs one round and exits (for cron or tests).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds to rest between rounds")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        last: dict[str, float] = {}
        self.stdout.write(f"Pelatis worker: jobs {', '.join(JOBS)}; tasks on {settings.TASKS['default']['BACKEND']}")
        while not self.stopping:
            now = time.monotonic()
            for name, job in JOBS.items():
                if once or now - last.get(name, -1e9) >= settings.PELATIS_WORKER_INTERVALS.get(name, 60):
                    last[name] = now
                    try:
                        self.stdout.write(f"{name}: {job()}")
                    except Exception:  # one failing job must not stop the others or the worker
                        log.exception("job %s failed", name)
            if "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
                call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                             verbosity=0)
            if once:
                break
            time.sleep(interval)

    def _stop(self, *args: object) -> None:
        self.stopping = True
