"""Probes for a load balancer or an orchestrator: deliberately public, and they tell nothing but up or down.

``/healthz`` answers while the process can serve a request at all (no database is touched, so a
database outage does not get healthy web processes restarted). ``/readyz`` answers 200 only when
the database and the shared cache both answer, so traffic goes to processes that can do real work.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@never_cache
@require_GET
def readyz_view(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        **{k: "ok" if v else "failing" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
