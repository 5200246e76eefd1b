"""gunicorn's settings module for ``pelatis serve`` (``--config python:pelatis.web.gunicorn_conf``): the server
hooks; every other setting is on the command line."""

from __future__ import annotations

import os
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits leaves its request counts in the metrics folder (they still count); its live
    gauges go (prometheus_client's multiprocess mode)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
