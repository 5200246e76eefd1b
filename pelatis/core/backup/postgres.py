"""PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot (the row counts in the manifest are
read in that same snapshot), and a restore with ``pg_restore --clean --if-exists --no-owner`` fed to
``psql --single-transaction``: the database is either wholly the backup's or untouched.

The audit log's append-only triggers (``core`` migration 0003) refuse UPDATE and DELETE; a restore
does neither (it drops the tables and loads them with COPY), and the dump brings the triggers back.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from . import tables as catalogue
from .manifest import BackupError
from .tables import quoted

FILE_NAME = "pelatis.pgdump"
TABLES_SQL = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
)
# psycopg connection parameters → the libpq environment variables pg_dump, pg_restore and psql read
# (the password never appears on a command line).
LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def _major_version(path: str) -> int:
    folder = Path(path).parent.parent.name  # /usr/lib/postgresql/<major>/bin/<program>
    return int(folder) if folder.isdigit() else 0


def tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest one under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major_version)
    if candidates:
        return candidates[-1]
    raise BackupError(
        _(
            "%(program)s is not installed: install PostgreSQL's client programs (on Debian/Ubuntu: "
            "apt-get install postgresql-client), of the server's major version or newer."
        )
        % {"program": name}
    )


def libpq_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The environment for a PostgreSQL client program to reach the same database as ``connection``."""
    env = dict(os.environ)  # libpq reads PG* variables for Django as well: the programs see the same
    for key, value in connection.get_connection_params().items():
        variable = LIBPQ_ENV.get(key)
        if variable and value not in (None, ""):
            env[variable] = str(value)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def table_rows(cursor: Any) -> dict[str, int]:
    """Rows per table of the current schema, read through ``cursor``."""
    return catalogue.table_rows(cursor, TABLES_SQL)


def applied_migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    return catalogue.migrations_read(cursor)


def _failed(program: str, stderr: str) -> BackupError:
    lines = [line for line in stderr.strip().splitlines() if line.strip()][-8:]
    return BackupError(
        _("%(program)s failed: %(error)s")
        % {"program": program, "error": "\n".join(lines) or _("no message")}
    )


def snapshot(
    connection: BaseDatabaseWrapper, folder: Path
) -> tuple[Path, dict[str, int], dict[str, list[str]]]:
    """Dump the database into ``folder``: one REPEATABLE READ snapshot is exported, pg_dump reads it, and
    the row counts and applied migrations are read in it too, so the manifest describes exactly the dump."""
    pg_dump = tool("pg_dump")
    target = folder / FILE_NAME
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = str(cursor.fetchone()[0])
            tables = table_rows(cursor)
            migrations = applied_migrations(cursor)
            done = subprocess.run(  # noqa: S603 — a fixed program and arguments; the connection is in the environment
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                env=libpq_env(connection),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise _failed("pg_dump", done.stderr)
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return target, tables, migrations


def restore(connection: BaseDatabaseWrapper, source: Path, *, keep_tables: set[str]) -> None:
    """Replace the database's contents with the dump in ``source``, in one transaction. Tables of the
    current schema that the dump does not hold (``keep_tables`` are the dump's) are dropped in the same
    transaction, so the database ends up exactly as backed up."""
    pg_restore, psql = tool("pg_restore"), tool("psql")
    with connection.cursor() as cursor:
        cursor.execute(TABLES_SQL)
        extra = sorted(str(row[0]) for row in cursor.fetchall() if str(row[0]) not in keep_tables)
    connection.close()  # our own session must hold no lock on a table the restore drops
    prefix = "".join(f"DROP TABLE IF EXISTS {quoted(name)} CASCADE;\n" for name in extra)
    env = libpq_env(connection)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        reader = subprocess.Popen(  # noqa: S603 — a fixed program and arguments
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(source)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        writer = subprocess.Popen(  # noqa: S603 — a fixed program and arguments; the connection is in the environment
            [psql, "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        if reader.stdout is None or writer.stdin is None:  # both are pipes, asked for above
            raise BackupError("pg_restore or psql started without its pipe")
        psql_stopped = False
        try:
            writer.stdin.write(prefix.encode("utf-8"))
            shutil.copyfileobj(reader.stdout, writer.stdin, 1024 * 1024)
        except BrokenPipeError:  # psql stopped at an error (and rolled back): its message says which
            psql_stopped = True
        reader.stdout.close()
        if psql_stopped:
            reader.kill()
            reader.wait()
            writer.wait()
            raise _failed("psql", _read(psql_errors))
        if reader.wait() != 0:
            # psql has not seen the end of its input, so it has not committed: stopping it rolls back
            writer.kill()
            writer.wait()
            raise _failed("pg_restore", _read(restore_errors))
        with contextlib.suppress(BrokenPipeError):
            writer.stdin.close()  # the end of the input: psql commits
        if writer.wait() != 0:
            raise _failed("psql", _read(psql_errors))


def _read(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", "replace")


def live_table_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_rows(cursor)
