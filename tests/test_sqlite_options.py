"""One SQLite set-up, however it is named: PELATIS_DATABASE_URL=sqlite:///… gets the embedded defaults
(WAL, IMMEDIATE transactions, the busy timeout), so concurrent writers queue instead of failing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.served import ROOT, clean_env, django_run, start_together

PRINT_DATABASE = (
    "import json; from pelatis import settings; print(json.dumps(settings.DATABASES['default'], default=str))"
)

# A writer that reads before it writes, in a transaction: the pattern of every service (e.g. the next
# ticket number), and the one that fails at once with "database is locked" when two DEFERRED
# transactions both hold a read lock and both want to write.
WRITER = """
import os, pathlib, sys, time
import django
django.setup()
from django.db import OperationalError, connection, transaction
folder = pathlib.Path(sys.argv[2])
(folder / f"ready-{os.getpid()}").touch()
for _ in range(3000):  # all writers start together (at most 30 s)
    if (folder / "go").exists():
        break
    time.sleep(0.01)
locked = done = 0
for _ in range(int(sys.argv[1])):
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
                n = cursor.fetchone()[0]
                cursor.execute("SELECT writer, COUNT(*) FROM counter GROUP BY writer")  # a report, as services read
                cursor.fetchall()
                cursor.execute("INSERT INTO counter (n, writer) VALUES (%s, %s)", [n + 1, os.getpid()])
        done += 1
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        locked += 1
print(done, locked)
"""


def _settings_database(url: str, data_dir: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(data_dir, PELATIS_DATABASE_URL=url),
        timeout=120,
        check=True,
    )
    database: dict[str, object] = json.loads(result.stdout)
    return database


def test_a_sqlite_url_gets_the_same_options_as_the_default(tmp_path: Path) -> None:
    default = _settings_database("", tmp_path)
    named = _settings_database(f"sqlite:///{tmp_path}/named/x.sqlite3", tmp_path)
    relative = _settings_database("sqlite:///tmp/x.sqlite3", tmp_path)
    assert named["NAME"] == f"{tmp_path}/named/x.sqlite3"
    for database in (named, relative):
        assert database["OPTIONS"] == default["OPTIONS"]
        options = database["OPTIONS"]
        assert isinstance(options, dict)
        assert options["transaction_mode"] == "IMMEDIATE"
        assert options["timeout"] == 20
        assert "journal_mode=WAL" in options["init_command"]
        assert "foreign_keys=ON" in options["init_command"]


def test_options_given_in_the_url_win(tmp_path: Path) -> None:
    database = _settings_database(f"sqlite:///{tmp_path}/x.sqlite3?timeout=5", tmp_path)
    options = database["OPTIONS"]
    assert isinstance(options, dict)
    assert str(options["timeout"]) == "5"
    assert options["transaction_mode"] == "IMMEDIATE"


def test_concurrent_writers_on_a_sqlite_url_never_get_database_is_locked(tmp_path: Path) -> None:
    # given a SQLite database named by URL (not the embedded default)
    path = tmp_path / "db" / "shared.sqlite3"
    env = clean_env(
        tmp_path, PELATIS_DATABASE_URL=f"sqlite:///{path}", DJANGO_SETTINGS_MODULE="pelatis.settings"
    )
    django_run(
        "from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE counter (n INTEGER UNIQUE, writer INTEGER)')",
        env,
    )
    # when four processes each run 150 read-then-write transactions at once
    processes, rounds = 4, 150
    writers = start_together(
        [[sys.executable, "-c", WRITER, str(rounds), str(tmp_path)] for _ in range(processes)], env, tmp_path
    )
    outcomes = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-2000:]
        outcomes.append(tuple(int(x) for x in out.split()))
    # then every transaction committed, none was refused, and each saw the others' writes
    print(
        f"\nSQLite by URL: {processes} processes × {rounds} transactions: "
        f"committed={sum(d for d, _ in outcomes)} 'database is locked'={sum(lk for _, lk in outcomes)}"
    )
    assert [locked for _, locked in outcomes] == [0] * processes
    assert sum(done for done, _ in outcomes) == processes * rounds
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT COUNT(*), MAX(n) FROM counter").fetchone() == (processes * rounds,) * 2
