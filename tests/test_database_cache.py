"""The database cache's counter (pelatis.core.cache.DatabaseCache), on which rate limits count: one locked
read-modify-write per increment that keeps the window the counter was opened with."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from pelatis.core.ratelimit import over_limit
from tests.served import clean_env, django_run, pelatis, start_together


@pytest.fixture(autouse=True)
def _database_cache(settings: Any) -> None:
    """These tests are of the database cache itself, also when the suite runs with Redis as the cache."""
    settings.CACHES = {
        "default": {"BACKEND": "pelatis.core.cache.DatabaseCache", "LOCATION": "pelatis_cache"}
    }


def _expires(key: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM pelatis_cache WHERE cache_key LIKE %s", [f"%{key}"])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_counting_keeps_the_window_it_opened_with() -> None:
    cache.clear()
    results = [over_limit("window-test", limit=3, window=600)]
    opened = _expires("pelatis:rate:window-test")
    results += [over_limit("window-test", limit=3, window=600) for _ in range(4)]
    assert results == [False, False, False, True, True]
    assert _expires("pelatis:rate:window-test") == opened  # Django's own incr would move it to now + 300 s
    assert cache.get("pelatis:rate:window-test") == 5


# Each process counts in the same database cache; they start together (at most 60 s of waiting).
COUNTER = """
import pathlib, sys, time
import django
django.setup()
from django.core.cache import cache
folder, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
(folder / f"ready-{sys.argv[3]}").touch()
for _ in range(6000):
    if (folder / "go").exists():
        break
    time.sleep(0.01)
for _ in range(rounds):
    cache.incr("concurrent")
"""


@pytest.fixture
def shared_database_url(tmp_path: Path) -> Iterator[str]:
    """A database for server-like processes, of the kind this run tests: a SQLite file, or a new
    database on the run's PostgreSQL server (dropped afterwards)."""
    url = os.environ.get("PELATIS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path}/shared.sqlite3"
        return
    import psycopg

    name = f"pelatis_cache_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_increments_from_concurrent_processes_are_all_counted(
    tmp_path: Path, shared_database_url: str
) -> None:
    env = clean_env(
        tmp_path, PELATIS_DATABASE_URL=shared_database_url, DJANGO_SETTINGS_MODULE="pelatis.settings"
    )
    setup = pelatis("createcachetable", env=env)
    assert setup.returncode == 0, setup.stderr
    opened = django_run(
        "from django.core.cache import cache; cache.clear(); print(cache.add('concurrent', 0, timeout=600))",
        env,
    )
    assert opened.strip() == "True"
    processes, rounds = 4, 40
    counters = start_together(
        [[sys.executable, "-c", COUNTER, str(tmp_path), str(rounds), str(n)] for n in range(processes)],
        env,
        tmp_path,
    )
    for counter in counters:
        _, err = counter.communicate(timeout=300)
        assert counter.returncode == 0, err[-2000:]
    total = django_run("from django.core.cache import cache; print(cache.get('concurrent'))", env)
    print(f"\n{processes} processes × {rounds} increments of one counter: counted {total.strip()}")
    assert total.strip() == str(processes * rounds)  # Django's get-then-set incr loses some


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_is_a_value_error() -> None:
    cache.clear()
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    cache.set("gone", 1, timeout=-1)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("gone")
