"""Probes for a load balancer or an orchestrator: deliberately public, and they tell nothing but up or down.

``/healthz`` answers while the process can serve a request at all (no database is touched, so a
database outage does not get healthy web processes restarted). ``/readyz`` answers 200 only when
the database, the shared cache, the task queue (the database table or Redis) and the file storage (local
disk or the S3 bucket) all answer, so traffic goes to processes that can do real work. Either body says
``ok`` or ``unavailable`` and nothing else: which part failed, and why, goes to the log (logger
``pelatis.web.health``), not to whoever asks.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pelatis.core.files import storage_ready
from pelatis.core.taskqueue import queue_ready

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        log.warning("readiness: the database does not answer", exc_info=True)
        return False


def _cache_ok() -> bool:
    key, value = "pelatis:readyz", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=30)
        return bool(cache.get(key) == value)
    except Exception:  # any backend error (database table gone, Redis down) means not ready
        log.warning("readiness: the cache does not answer", exc_info=True)
        return False


def _queue_ok() -> bool:
    """The task queue answers: the database backend's table, or Redis for the RQ backend."""
    return queue_ready()


def _storage_ok() -> bool:
    """The file storage takes a small probe object and gives it back (local disk or the S3 bucket)."""
    return storage_ready()


#: What /readyz checks, in order; each returns whether that part answers and never raises.
READINESS_CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database_ok,
    "cache": _cache_ok,
    "task queue": _queue_ok,
    "storage": _storage_ok,
}


def readiness() -> dict[str, bool]:
    """Each part's answer (every part is asked, so the log names all that fail)."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:  # a check that raises after all counts as failing
            log.warning("readiness: the %s check raised", name, exc_info=True)
            results[name] = False
    return results


@never_cache
@require_GET
def readyz_view(request: HttpRequest) -> JsonResponse:
    results = readiness()
    failing = [name for name, ok in results.items() if not ok]
    if failing:
        log.error("not ready: %s not answering", ", ".join(failing))
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
