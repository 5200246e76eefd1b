"""The database's part of a backup, whichever engine holds it, and what makes an install "empty"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from . import postgres, sqlite
from .manifest import BackupError

ENGINES = ("sqlite", "postgresql")

# Rows a fresh `pelatis migrate` writes by itself (Django's bookkeeping, the role groups, the desk's
# default calendar, SLA policies and canned replies) and rows that say nothing about the business (the
# cache, sessions, the search index's own tables): an install holding only these is empty.
SEEDED_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "django_session",
        "pelatis_cache",
        "helpdesk_calendar",
        "helpdesk_slapolicy",
        "helpdesk_cannedreply",
    }
)
SEARCH_INDEX_TABLE = re.compile(r"_fts_(data|idx|content|docsize|config)$")


@dataclass(frozen=True)
class DatabaseSnapshot:
    file: Path
    tables: dict[str, int]
    migrations: dict[str, list[str]]


def default_connection() -> BaseDatabaseWrapper:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in ENGINES:
        raise BackupError(
            _("Backups cover SQLite and PostgreSQL; this install's database is %(engine)s.")
            % {"engine": connection.vendor}
        )
    return connection


def database_snapshot(folder: Path) -> DatabaseSnapshot:
    """A consistent copy of the database in ``folder``, with its rows per table and applied migrations."""
    connection = default_connection()
    engine = sqlite if connection.vendor == "sqlite" else postgres
    file, tables, migrations = engine.snapshot(connection, folder)
    return DatabaseSnapshot(file=file, tables=tables, migrations=migrations)


def database_restore(file: Path, *, tables: set[str]) -> None:
    """Replace the database's contents with the copy in ``file`` (``tables``: the ones it holds)."""
    connection = default_connection()
    if connection.vendor == "sqlite":
        sqlite.restore(connection, file)
    else:
        postgres.restore(connection, file, keep_tables=tables)
    connection.close()  # the next query opens a fresh session on the restored database


def live_table_rows() -> dict[str, int]:
    connection = default_connection()
    if connection.vendor == "sqlite":
        return sqlite.live_table_rows(connection)
    return postgres.live_table_rows(connection)


def database_contents() -> dict[str, int]:
    """The tables that hold something beyond what a fresh install has, with their rows."""
    return {
        table: rows
        for table, rows in live_table_rows().items()
        if rows and table not in SEEDED_TABLES and not SEARCH_INDEX_TABLE.search(table)
    }


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations applied in a backup that this version's code does not have (a newer Pelatis made it)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    return [
        f"{app}.{name}"
        for app, names in sorted(applied.items())
        if app in installed
        for name in names
        if (app, name) not in known
    ]


def pending_migrations() -> list[str]:
    """Migrations this version has that the (restored) database has not applied yet."""
    executor = MigrationExecutor(default_connection())
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
