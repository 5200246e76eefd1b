"""What both engines read the same way: rows per table and the applied migrations, through a DB-API cursor
(Django's, or one of a copy opened outside Django)."""

from __future__ import annotations

from typing import Any


def quoted(name: str) -> str:
    """``name`` as an SQL identifier (the same quoting on SQLite and PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def table_rows(cursor: Any, tables_sql: str) -> dict[str, int]:
    """Rows per table named by ``tables_sql`` (the engine's catalogue query), read through ``cursor``."""
    cursor.execute(tables_sql)
    names = [str(row[0]) for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for name in names:
        # the name comes from the engine's catalogue and is quoted as an identifier: nothing from outside
        cursor.execute(f"SELECT count(*) FROM {quoted(name)}")  # noqa: S608 — a quoted table name, see above
        counts[name] = int(cursor.fetchone()[0])
    return counts


def migrations_read(cursor: Any) -> dict[str, list[str]]:
    """The applied migrations per app, in the order they were applied (django_migrations must exist)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(str(app), []).append(str(name))
    return applied
