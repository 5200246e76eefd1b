"""A throw-away S3-compatible server (moto in server mode) on 127.0.0.1 for tests of object storage.

``s3_storage`` (function scope) points ``STORAGES["default"]`` at a fresh, empty bucket for the test, built
from a ``PELATIS_STORAGE_URL`` exactly as production builds it, and empties and removes the bucket after.
The server is one moto in this process (``ThreadedMotoServer``, a free port) for the whole session; when
``PELATIS_TEST_S3_URL`` names a running one (``scripts/with-engines`` starts one for the suite), that one
is used instead.

``fresh_storage`` gives a test its own empty storage whatever the engine (its temporary ``MEDIA_ROOT``,
or its own folder in the suite's bucket).

``s3_server_start()`` starts moto as a process of its own (for tests and the load run that start
``pelatis serve`` or workers beside it) and returns its address, a bucket made on it, and ``stop()``.
"""

from __future__ import annotations

import importlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pelatis.conf.storage import default_storage

ACCESS_KEY = "pelatis"
SECRET_KEY = "pelatis-test"
REGION = "us-east-1"
START_SECONDS = 30


@dataclass(frozen=True)
class S3Server:
    """A running S3-compatible server with one bucket on it."""

    endpoint_url: str
    bucket: str
    stop: Callable[[], None]

    def storage_url(self, prefix: str = "") -> str:
        """The ``PELATIS_STORAGE_URL`` for this bucket (and an optional folder in it)."""
        path = f"/{prefix.strip('/')}" if prefix.strip("/") else ""
        return f"s3://{self.bucket}{path}?endpoint_url={self.endpoint_url}&region={REGION}"

    def env(self, prefix: str = "") -> dict[str, str]:
        """The environment a ``pelatis`` process needs to keep its files in this bucket."""
        return {
            "PELATIS_STORAGE_URL": self.storage_url(prefix),
            "PELATIS_STORAGE_ACCESS_KEY": ACCESS_KEY,
            "PELATIS_STORAGE_SECRET_KEY": SECRET_KEY,
        }


@dataclass(frozen=True)
class S3Bucket:
    """What a test gets from ``s3_storage``: the server's address, its bucket, and a client on it."""

    endpoint_url: str
    bucket: str
    client: Any

    def names(self) -> list[str]:
        """Every key in the bucket, straight from the server (not through Django)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(str(o["Key"]) for page in pages for o in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body


def s3_client(endpoint_url: str) -> Any:
    boto3: Any = importlib.import_module("boto3")  # ships no type information
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _bucket_make(client: Any, name: str | None = None) -> str:
    bucket = name or f"pelatis-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=bucket)
    return bucket


def _bucket_drop(client: Any, bucket: str) -> None:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    for page in pages:
        keys = [{"Key": o["Key"]} for o in page.get("Contents", ())]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    client.delete_bucket(Bucket=bucket)


def s3_server_start(bucket: str = "pelatis") -> S3Server:
    """Start moto in server mode as its own process on 127.0.0.1 (a free port) and make ``bucket``;
    waits (bounded) until it answers. ``stop()`` ends the process."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments, no shell
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    client = s3_client(endpoint)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            _bucket_make(client, bucket)
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                stop()
                raise RuntimeError(f"moto did not start on {endpoint}") from None
            time.sleep(0.1)
    return S3Server(endpoint, bucket, stop)


@pytest.fixture(scope="session")
def _s3_endpoint() -> Iterator[str]:
    shared = os.environ.get("PELATIS_TEST_S3_URL", "").rstrip("/")
    if shared:
        yield shared
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def fresh_storage(settings: Any, tmp_path: Path) -> Iterator[None]:
    """The test's own empty file storage: ``MEDIA_ROOT`` in its temporary folder, and, when files go to S3
    (the production-engines run), its own folder in the bucket, emptied after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    config = settings.STORAGES["default"]
    if config["BACKEND"] != "storages.backends.s3.S3Storage":
        yield
        return
    options = dict(config.get("OPTIONS", {}))
    options["location"] = "/".join(p for p in (str(options.get("location", "")), secrets.token_hex(8)) if p)
    mine = {**config, "OPTIONS": options}
    settings.STORAGES = {**settings.STORAGES, "default": mine}
    yield
    if settings.STORAGES["default"] != mine:
        return  # the test pointed the storage elsewhere (its own bucket or folder): that fixture cleans up
    from django.core.files.storage import default_storage

    from pelatis.core.files import storage_walk

    for name in list(storage_walk()):
        default_storage.delete(name)


@pytest.fixture
def s3_storage(_s3_endpoint: str, settings: Any) -> Iterator[S3Bucket]:
    """Files go to a fresh bucket for this test (``STORAGES["default"]`` on S3, storages reset)."""
    client = s3_client(_s3_endpoint)
    bucket = _bucket_make(client)
    url = f"s3://{bucket}?endpoint_url={_s3_endpoint}&region={REGION}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage(url, access_key=ACCESS_KEY, secret_key=SECRET_KEY),
    }
    try:
        yield S3Bucket(_s3_endpoint, bucket, client)
    finally:
        _bucket_drop(client, bucket)
