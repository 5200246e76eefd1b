"""Reads that may be a little behind (the dashboard, exports, segment counts) go to the read replica named by
``PELATIS_DATABASE_REPLICA_URL`` inside ``replica_reads()``; every write, and every other read, goes to the
primary.

Three reads stay on the primary even inside ``replica_reads()``: reads inside a transaction on the primary
(they must see what the transaction wrote), the database cache's table (rate-limit counters and kept values
must be the ones just written), and nothing at all when no replica is configured. A model instance read from
the replica reads its related rows there too (a prefetch of an export's contact points, say), and is saved
to the primary like any other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("pelatis_replica_reads", default=False)
_PRIMARY_ONLY_APPS = frozenset({"django_cache"})  # Django's database cache entries


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, model reads go to the replica when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_alias() -> str:
    """Where a read made now goes: ``replica`` inside ``replica_reads()`` (with a replica configured, outside
    a transaction on the primary), else ``default``. For raw SQL and for querysets read lazily, after the
    block has ended (a streamed export): ``Model.objects.using(alias)``."""
    if _reading.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if model._meta.app_label in _PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and getattr(instance._state, "db", None) == REPLICA and replica_configured():
            return REPLICA  # related rows of a row read from the replica: from the same snapshot
        return replica_alias()

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return db != REPLICA  # the replica follows the primary; nothing is migrated on it directly
