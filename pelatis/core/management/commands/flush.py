"""``flush`` (empty every table) on a database whose audit log refuses deletes.

On SQLite, Django's flush empties each table with ``DELETE FROM``, which the audit log's triggers refuse
(migration ``core.0003_audit_append_only``); PostgreSQL's flush uses ``TRUNCATE``, which row triggers do
not see. So on SQLite the triggers step aside for the flush and are put back in the same transaction:
emptying the whole database stays the operator's (and the test runner's) call, while the app still cannot
change or delete a single entry."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

AUDIT_TABLE = "core_auditevent"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [AUDIT_TABLE]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
