"""SQLite: a consistent copy through SQLite's online backup API (readers and writers carry on), and a
restore through the same API into the live database file.

Neither path runs a DELETE or UPDATE: pages are copied, so the audit log's append-only triggers
(``core`` migration 0003) neither fire nor are lost — the copy carries them like any other schema item.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db.backends.base.base import BaseDatabaseWrapper

from . import tables as catalogue

FILE_NAME = "pelatis.sqlite3"
TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"


def table_rows(cursor: Any) -> dict[str, int]:
    """Rows per table (SQLite's own tables left out), read through ``cursor``."""
    return catalogue.table_rows(cursor, TABLES_SQL)


def applied_migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'")
    if cursor.fetchone() is None:
        return {}
    return catalogue.migrations_read(cursor)


def snapshot(
    connection: BaseDatabaseWrapper, folder: Path
) -> tuple[Path, dict[str, int], dict[str, list[str]]]:
    """Copy the live database into ``folder`` in one step of the backup API (a consistent moment; in WAL
    mode writers are not held up); the copy's rows per table and applied migrations."""
    target = folder / FILE_NAME
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        cursor = copy.cursor()
        tables = table_rows(cursor)
        migrations = applied_migrations(cursor)
    finally:
        copy.close()
    return target, tables, migrations


def restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the live database's contents with the copy in ``source`` (the backup API, page by page, in
    one step: another connection sees either the old database or the restored one)."""
    copy = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        copy.backup(connection.connection)
    finally:
        copy.close()


def live_table_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_rows(cursor)
