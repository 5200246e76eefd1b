"""Backups with the files in object storage: an install keeping its files in an S3 bucket (moto on
127.0.0.1) is backed up, then restored into an empty install on another folder of the bucket, and into
one on local disk (moving off object storage); every table and every file compared equal."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.s3_fixture import S3Server, s3_client, s3_server_start
from tests.test_backup_roundtrip import (
    ATTACHMENT,
    GREEK_BYTES,
    GREEK_NAME,
    Install,
    backup,
    fill,
    local_files,
    manifest_of,
    sqlite_copy,
    sqlite_tables,
)


def bucket_files(server: S3Server, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix/`` in the bucket, read straight from the server (not through Django)."""
    client: Any = s3_client(server.endpoint_url)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=server.bucket, Prefix=f"{prefix}/")
    keys = sorted(str(o["Key"]) for page in pages for o in page.get("Contents", ()))
    return {
        key[len(prefix) + 1 :]: client.get_object(Bucket=server.bucket, Key=key)["Body"].read()
        for key in keys
        if not key[len(prefix) + 1 :].startswith(".probe/")
    }


@dataclass(frozen=True)
class Source:
    server: S3Server
    install: Install
    fresh: Path
    archive: Path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    server = s3_server_start(bucket=f"pelatis-backup-{secrets.token_hex(4)}")
    try:
        folder = tmp_path_factory.mktemp("backup-s3-source")
        install = Install(folder / "data", env=server.env("source"))
        install.run("migrate", "--noinput")
        fresh = folder / "fresh.sqlite3"
        sqlite_copy(install.sqlite, fresh)
        fill(install)
        yield Source(server, install, fresh, backup(install, folder / "pelatis-backup.tar.gz"))
    finally:
        server.stop()


def test_a_backup_holds_the_files_of_the_bucket(source: Source) -> None:
    files = bucket_files(source.server, "source")
    assert files[GREEK_NAME] == GREEK_BYTES
    assert ATTACHMENT in files.values()
    assert local_files(source.install) == {}  # nothing went to the local disk
    manifest = manifest_of(source.archive)
    assert manifest["storage"] == "s3"
    listed = manifest["files"]
    assert isinstance(listed, list)
    assert sorted(f["name"] for f in listed) == sorted(files)


def test_round_trip_into_an_empty_install_on_object_storage(source: Source, tmp_path: Path) -> None:
    target = Install(tmp_path / "data", env=source.server.env("restored"))
    sqlite_copy(source.fresh, target.sqlite)

    target.run("restore", str(source.archive))

    assert sqlite_tables(target.sqlite) == sqlite_tables(source.install.sqlite)
    assert bucket_files(source.server, "restored") == bucket_files(source.server, "source")


def test_an_install_on_object_storage_restores_onto_local_disk(source: Source, tmp_path: Path) -> None:
    target = Install(tmp_path / "data")
    sqlite_copy(source.fresh, target.sqlite)

    target.run("restore", str(source.archive))

    assert sqlite_tables(target.sqlite) == sqlite_tables(source.install.sqlite)
    assert local_files(target) == bucket_files(source.server, "source")


def test_stored_files_in_the_bucket_make_an_install_not_empty(source: Source, tmp_path: Path) -> None:
    # given a freshly migrated install whose bucket folder already holds a file
    target = Install(tmp_path / "data", env=source.server.env("busy"))
    sqlite_copy(source.fresh, target.sqlite)
    client: Any = s3_client(source.server.endpoint_url)
    client.put_object(Bucket=source.server.bucket, Key="busy/attachments/kept.txt", Body=b"kept")
    # when
    refused = target.run("restore", str(source.archive), check=False)
    # then
    assert refused.returncode != 0
    assert "stored files" in refused.stderr
    assert bucket_files(source.server, "busy") == {"attachments/kept.txt": b"kept"}
