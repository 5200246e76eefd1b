"""The file storage itself: local disk by default, an S3-compatible bucket with PELATIS_STORAGE_URL; the
readiness probe and the walk over every stored name (for backups) on both."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage

from pelatis.conf.storage import default_storage as storage_config
from pelatis.core.files import (
    StoredObject,
    storage_ready,
    storage_walk,
    stored_delete,
    stored_names,
    stored_save,
)
from tests.s3_fixture import ACCESS_KEY, SECRET_KEY, S3Bucket, s3_server_start


@pytest.fixture
def local_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": storage_config("")}
    return tmp_path / "media"


def _fill() -> None:
    stored_save("attachments/2026/12/a.pdf", b"%PDF-1")
    stored_save("attachments/2026/11/b.txt", "Καλημέρα".encode())
    stored_save("imports/2026/12/c.csv", b"email\n")
    stored_save("exports/privacy/customer-7-x.zip", b"PK")


def test_an_s3_url_gives_private_s3_storage_with_bounded_waits() -> None:
    config = storage_config(
        "s3://crm-files/pelatis?endpoint_url=http://127.0.0.1:9000&region=eu-central-1",
        access_key="k",
        secret_key="s",
    )
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options: Any = config["OPTIONS"]
    assert options["bucket_name"] == "crm-files"
    assert options["location"] == "pelatis"
    assert options["region_name"] == "eu-central-1"
    assert options["default_acl"] is None  # never public-read
    assert options["querystring_auth"] is True
    assert options["client_config"].connect_timeout == 5
    assert options["client_config"].read_timeout == 30


@pytest.mark.parametrize(
    "url", ["http://bucket", "s3://", "s3://bucket?endpoint=http://x", "s3://bucket?acl=public-read"]
)
def test_a_malformed_storage_url_is_refused_by_name(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="PELATIS_STORAGE_URL"):
        storage_config(url)


def test_local_files_are_readable_by_the_service_only(local_storage: Path) -> None:
    saved = stored_save("attachments/2026/12/a.pdf", b"%PDF-1")

    path = local_storage / saved.name
    assert path.read_bytes() == b"%PDF-1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_files_round_trip_through_the_bucket(s3_storage: S3Bucket) -> None:
    saved = stored_save("exports/privacy/customer-7-x.zip", "Γειά σου".encode())
    again = stored_save("exports/privacy/customer-7-x.zip", b"other")

    assert again.name != saved.name  # a taken name is never overwritten
    assert s3_storage.names() == sorted([saved.name, again.name])
    assert s3_storage.read(saved.name) == "Γειά σου".encode()
    assert saved.read_bytes() == "Γειά σου".encode()
    assert saved.size == len("Γειά σου".encode())
    assert stored_names("exports/privacy", starting="customer-7-") == sorted([saved.name, again.name])
    saved.delete()
    assert not StoredObject(saved.name).exists()
    assert s3_storage.names() == [again.name]


def test_the_walk_lists_every_stored_name_on_disk(local_storage: Path) -> None:
    assert list(storage_walk()) == []  # nothing stored yet: not even a media folder
    _fill()
    assert storage_ready()

    names = list(storage_walk())

    assert sorted(names) == [
        "attachments/2026/11/b.txt",
        "attachments/2026/12/a.pdf",
        "exports/privacy/customer-7-x.zip",
        "imports/2026/12/c.csv",
    ]
    assert list(storage_walk("attachments/")) == [n for n in names if n.startswith("attachments/")]
    assert list(storage_walk("imports")) == ["imports/2026/12/c.csv"]


def test_the_walk_lists_every_stored_name_in_the_bucket(s3_storage: S3Bucket) -> None:
    _fill()
    assert storage_ready()

    names = list(storage_walk())

    assert names == [
        "attachments/2026/11/b.txt",
        "attachments/2026/12/a.pdf",
        "exports/privacy/customer-7-x.zip",
        "imports/2026/12/c.csv",
    ]
    assert s3_storage.names() == names  # the probe cleaned up after itself
    assert list(storage_walk("attachments/2026/12")) == ["attachments/2026/12/a.pdf"]
    assert [default_storage.open(n).read() for n in storage_walk("imports/")] == [b"email\n"]


def test_the_walk_and_the_probe_stay_inside_the_configured_folder(
    s3_storage: S3Bucket, settings: Any
) -> None:
    s3_storage.client.put_object(Bucket=s3_storage.bucket, Key="someone-else/x.txt", Body=b"x")
    url = f"s3://{s3_storage.bucket}/pelatis?endpoint_url={s3_storage.endpoint_url}&region=us-east-1"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_config(url, access_key=ACCESS_KEY, secret_key=SECRET_KEY),
    }
    stored_save("attachments/a.txt", b"a")

    assert storage_ready()
    assert list(storage_walk()) == ["attachments/a.txt"]
    assert s3_storage.names() == ["pelatis/attachments/a.txt", "someone-else/x.txt"]


def test_the_probe_says_unavailable_when_the_object_store_is_down(settings: Any, caplog: Any) -> None:
    server = s3_server_start()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_config(server.storage_url(), access_key=ACCESS_KEY, secret_key=SECRET_KEY),
    }
    assert storage_ready()

    server.stop()

    assert storage_ready() is False  # no exception, an answer
    assert "file storage unavailable" in caplog.text


def test_the_probe_says_unavailable_when_the_bucket_is_missing(s3_storage: S3Bucket, settings: Any) -> None:
    url = f"s3://no-such-bucket?endpoint_url={s3_storage.endpoint_url}&region=us-east-1"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_config(url, access_key=ACCESS_KEY, secret_key=SECRET_KEY),
    }
    assert storage_ready() is False


def test_the_probe_says_unavailable_when_the_folder_cannot_be_made(settings: Any, tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    settings.STORAGES = {**settings.STORAGES, "default": storage_config("")}

    assert storage_ready() is False


def test_deleting_goes_on_past_a_file_that_cannot_be_deleted(local_storage: Path, caplog: Any) -> None:
    stored_save("attachments/a/b.txt", b"b")
    lone = stored_save("attachments/c.txt", b"c")

    stored_delete(["attachments/a", lone.name])  # a folder with a file in it cannot be deleted as a file

    assert not lone.exists()
    assert StoredObject("attachments/a/b.txt").exists()
    assert "could not delete a stored file" in caplog.text


def test_the_probe_waits_briefly_and_tries_once_while_requests_get_the_normal_waits(
    s3_storage: S3Bucket,
) -> None:
    from pelatis.core.files import _probe_storage

    probe: Any = _probe_storage()
    normal: Any = default_storage
    assert (probe.client_config.connect_timeout, probe.client_config.read_timeout) == (3, 3)
    assert probe.client_config.retries == {"max_attempts": 1, "mode": "standard"}
    assert probe.client_config.s3 == {"addressing_style": "path"}  # the configured client's, kept
    assert (normal.client_config.connect_timeout, normal.client_config.read_timeout) == (5, 30)
    assert probe.bucket_name == normal.bucket_name == s3_storage.bucket
