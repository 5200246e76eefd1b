"""`pelatis backup` and `pelatis restore` on PostgreSQL (pg_dump of one snapshot, pg_restore in one
transaction): an install with data in every app and stored files → backup → restore into an empty
database (migrated, or brand new) → every table's rows, every sequence and every file equal.

Each install is its own database on the test server (``scripts/with-postgres`` gives its address in
``PELATIS_DATABASE_URL``), driven through the `pelatis` command; an empty install is a database copied
(``CREATE DATABASE … TEMPLATE``) from the source right after `migrate`.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.test_backup_roundtrip import (
    APPS_WITH_DATA,
    CACHE_TABLE,
    GREEK_BYTES,
    GREEK_NAME,
    Install,
    backup,
    fill,
    local_files,
    manifest_of,
    store_file,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's dump and restore; CI runs it there"
    ),
]

SERVER_URL = os.environ.get("PELATIS_DATABASE_URL", "")
RUN = secrets.token_hex(3)


def url_of(database: str) -> str:
    return urlsplit(SERVER_URL)._replace(path=f"/{database}").geturl()


def database_make(name: str, *, template: str | None = None) -> str:
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        admin.execute(statement)
    return url_of(name)


def database_drop(name: str) -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def pg_tables(url: str) -> dict[str, tuple[int, str]]:
    """Every table's rows (count and a digest of the sorted rows) and every sequence's position; the cache
    apart (a restore empties it)."""
    found: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as db:
        names = [
            str(r[0])
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        ]
        for name in names:
            if name == CACHE_TABLE:
                continue
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
            )
            row = db.execute(query.format(sql.Identifier(name))).fetchone()
            assert row is not None
            found[name] = (int(row[0]), str(row[1]))
        for name, position in db.execute(
            "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            found[f"sequence {name}"] = (int(position), "")
    return found


@dataclass(frozen=True)
class Source:
    install: Install
    database: str
    fresh: str  # a database copied right after `migrate`: the template of an empty install
    archive: Path
    tables: dict[str, tuple[int, str]]
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    folder = tmp_path_factory.mktemp("backup-pg-source")
    database, fresh = f"backup_source_{RUN}", f"backup_fresh_{RUN}"
    try:
        install = Install(folder / "data", env={"PELATIS_DATABASE_URL": database_make(database)})
        install.run("migrate", "--noinput")
        database_make(fresh, template=database)
        fill(install)
        archive = backup(install, folder / "pelatis-backup.tar.gz")
        yield Source(install, database, fresh, archive, pg_tables(url_of(database)), local_files(install))
    finally:
        database_drop(database)
        database_drop(fresh)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A name for the test's own database (dropped afterwards) and a data folder."""
    name = f"backup_target_{RUN}_{secrets.token_hex(3)}"
    yield name, tmp_path / "data"
    database_drop(name)


def test_the_manifest_describes_the_dump(source: Source) -> None:
    manifest = manifest_of(source.archive)
    assert manifest["engine"] == "postgresql"
    database = manifest["database"]
    assert isinstance(database, dict)
    assert database["path"] == "database/pelatis.pgdump"
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    counted = {
        name: rows for name, (rows, _digest) in source.tables.items() if not name.startswith("sequence ")
    }
    assert {name: n for name, n in tables.items() if name != CACHE_TABLE} == counted
    for app in APPS_WITH_DATA:
        assert any(rows for name, rows in counted.items() if name.startswith(f"{app}_")), app


def test_round_trip_into_an_empty_install(source: Source, target: tuple[str, Path]) -> None:
    name, data_dir = target
    install = Install(data_dir, env={"PELATIS_DATABASE_URL": database_make(name, template=source.fresh)})

    done = install.run("restore", str(source.archive))

    assert "Restored" in done.stdout
    assert pg_tables(url_of(name)) == source.tables
    assert local_files(install) == source.files
    install.run("migrate", "--check")
    with psycopg.connect(url_of(name)) as db, pytest.raises(psycopg.errors.RestrictViolation):
        db.execute("UPDATE core_auditevent SET detail = 'changed'")


def test_round_trip_into_a_database_never_migrated(source: Source, target: tuple[str, Path]) -> None:
    name, data_dir = target
    install = Install(data_dir, env={"PELATIS_DATABASE_URL": database_make(name)})
    install.run("restore", str(source.archive))
    assert pg_tables(url_of(name)) == source.tables
    assert local_files(install) == source.files


def test_an_install_holding_data_is_refused_and_left_as_it_was(
    source: Source, target: tuple[str, Path]
) -> None:
    name, data_dir = target
    install = Install(data_dir, env={"PELATIS_DATABASE_URL": database_make(name, template=source.database)})
    with psycopg.connect(url_of(name)) as db:
        db.execute("INSERT INTO auth_group (name) VALUES ('Νυχτερινή βάρδια')")
    before = pg_tables(url_of(name))

    refused = install.run("restore", str(source.archive), check=False)

    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert pg_tables(url_of(name)) == before


def test_force_replaces_every_table_even_ones_the_backup_lacks(
    source: Source, target: tuple[str, Path]
) -> None:
    # given an install with more data and a table of a later version
    name, data_dir = target
    install = Install(data_dir, env={"PELATIS_DATABASE_URL": database_make(name, template=source.database)})
    shutil.copytree(source.install.data_dir / "media", data_dir / "media")
    with psycopg.connect(url_of(name)) as db:
        db.execute("INSERT INTO auth_group (name) VALUES ('Νυχτερινή βάρδια')")
        db.execute("CREATE TABLE later_feature (id bigserial PRIMARY KEY, note text)")
        db.execute("INSERT INTO later_feature (note) VALUES ('κάτι νέο')")
    store_file(install, GREEK_NAME, b"a newer version of the same name")
    store_file(install, "extra/σημείωμα.txt", b"gone after the restore")

    done = install.run("restore", "--force", str(source.archive))

    assert pg_tables(url_of(name)) == source.tables
    assert local_files(install) == source.files
    assert local_files(install)[GREEK_NAME] == GREEK_BYTES
    assert "Removed 1 stored file" in done.stdout
