"""Background tasks: the database backend (embedded default) or RQ on Redis (``PELATIS_TASKS_BACKEND=rq``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
ALIASES = {"database": DATABASE_BACKEND, "db": DATABASE_BACKEND, "rq": RQ_BACKEND}
# An RQ job running longer than this is stopped by RQ (an import of a million rows fits well inside).
RQ_JOB_TIMEOUT = 3600


@dataclass(frozen=True)
class TaskSettings:
    tasks: dict[str, dict[str, Any]]
    rq_queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    apps: tuple[str, ...] = ()


def task_settings(backend: str, redis_url: str) -> TaskSettings:
    """``TASKS``, ``RQ_QUEUES`` and the extra apps for ``PELATIS_TASKS_BACKEND`` (an alias or a dotted path)."""
    path = ALIASES.get(backend.strip().lower(), backend.strip()) if backend.strip() else DATABASE_BACKEND
    if path != RQ_BACKEND:
        if "." not in path:
            raise ImproperlyConfigured(
                f"PELATIS_TASKS_BACKEND must be database or rq (or a backend's dotted path), not {backend!r}"
            )
        return TaskSettings(tasks={"default": {"BACKEND": path}})
    if not redis_url:
        raise ImproperlyConfigured("PELATIS_TASKS_BACKEND=rq needs PELATIS_REDIS_URL (redis://host:6379/0)")
    if urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"PELATIS_REDIS_URL must be a redis://, rediss:// or unix:// URL, not {redis_url!r}"
        )
    return TaskSettings(
        tasks={"default": {"BACKEND": RQ_BACKEND}},
        rq_queues={"default": {"URL": redis_url, "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT}},
        apps=("django_rq",),
    )
