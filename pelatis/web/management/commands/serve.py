from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Pelatis with gunicorn (a production-grade WSGI server): pelatis serve [ADDR:PORT]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PELATIS_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, addrport: str, workers: int, threads: int, **options: Any) -> None:
        if ":" not in addrport:
            addrport = f"127.0.0.1:{addrport}"
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"{addrport!r} is not ADDR:PORT")
        from gunicorn.app.wsgiapp import WSGIApplication

        # The demo prints its logins when it creates them; a live install's accounts are its own.
        self.stdout.write(self.style.SUCCESS(f"Pelatis is serving on http://{host}:{port}/"))
        self.stdout.flush()
        argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
                "--access-logfile", "-", "--timeout", "120", "pelatis.wsgi:application"]
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
