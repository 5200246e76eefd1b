"""Stored files: every file Pelatis keeps (attachments, import uploads, privacy ZIPs) lives in Django's
``default_storage`` — the data folder's ``media/``, or an S3-compatible bucket with
``PELATIS_STORAGE_URL`` — and is read back only through it (never by a local path), so several web and
worker machines see the same files.

Downloads are streamed through Pelatis's own views after their permission check
(:func:`stored_download`); nothing hands out a bucket URL.
"""

from __future__ import annotations

import importlib
import logging
import posixpath
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.http import FileResponse

logger = logging.getLogger(__name__)

PROBE_FOLDER = ".probe"  # readiness probes write here for a moment; storage_walk leaves it out
PROBE_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class StoredObject:
    """A file in the default storage, by its stored name (``exports/privacy/customer-7-….zip``)."""

    name: str

    @property
    def filename(self) -> str:
        """The last part of the name, as a download offers it."""
        return posixpath.basename(self.name)

    def open(self) -> File[bytes]:
        """The file, opened for reading (binary); close it, or hand it to a ``FileResponse``."""
        return default_storage.open(self.name, "rb")

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            data: bytes = handle.read()
        return data

    def exists(self) -> bool:
        return bool(default_storage.exists(self.name))

    @property
    def size(self) -> int:
        return int(default_storage.size(self.name))

    def delete(self) -> None:
        default_storage.delete(self.name)


def stored_save(name: str, content: bytes | IO[bytes]) -> StoredObject:
    """Store ``content`` under ``name`` (a free name next to it if it is taken); the name actually used."""
    body: File[bytes] = ContentFile(content) if isinstance(content, bytes) else File(content)
    return StoredObject(default_storage.save(name, body))


def stored_download(
    name: str, *, filename: str, content_type: str = "application/octet-stream"
) -> FileResponse:
    """A download of a stored file, for a view that has already checked the user may have it: sent as an
    attachment, never shown inline, never cached by a browser or a proxy."""
    response = FileResponse(
        default_storage.open(name, "rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_delete(names: list[str]) -> None:
    """Delete stored files by name; one that is already gone, or cannot be deleted now, is logged, and the
    rest are still deleted (called after a commit, when nothing can be rolled back any more)."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.warning("could not delete a stored file", exc_info=True)


def stored_names(prefix: str, *, starting: str = "") -> list[str]:
    """The stored names directly in folder ``prefix`` whose last part starts with ``starting``."""
    folder = prefix.strip("/")
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a local folder not created yet
        return []
    return sorted(f"{folder}/{f}" if folder else f for f in files if f.startswith(starting))


def _probe_storage() -> Storage:
    """The default storage, with short network time-outs for S3, so a readiness probe answers quickly."""
    config = settings.STORAGES["default"]
    if config.get("BACKEND") != "storages.backends.s3.S3Storage":
        return default_storage
    # botocore ships no type information
    config_class: Any = importlib.import_module("botocore.config").Config
    options: dict[str, Any] = dict(config.get("OPTIONS", {}))
    short = config_class(
        connect_timeout=PROBE_TIMEOUT_SECONDS,
        read_timeout=PROBE_TIMEOUT_SECONDS,
        retries={"max_attempts": 1, "mode": "standard"},
    )
    configured = options.get("client_config")
    options["client_config"] = configured.merge(short) if isinstance(configured, config_class) else short
    return storages.create_storage({"BACKEND": config["BACKEND"], "OPTIONS": options})


def storage_ready() -> bool:
    """Whether the file storage answers: writes, reads back and deletes a tiny probe. Never raises; on
    object storage each call gives up after a few seconds. The reason of a failure is logged."""
    payload = secrets.token_hex(8).encode()
    name = f"{PROBE_FOLDER}/{secrets.token_hex(12)}"
    try:
        storage = _probe_storage()
        saved = storage.save(name, ContentFile(payload))
        try:
            with storage.open(saved, "rb") as handle:
                ok = bool(handle.read() == payload)
        finally:
            storage.delete(saved)
    except Exception:
        logger.warning("file storage unavailable", exc_info=True)
        return False
    if not ok:
        logger.warning("file storage unavailable: the probe read back different bytes")
    return ok


def _s3_walk(storage: Any, prefix: str) -> Iterator[str]:
    location = str(storage.location).strip("/")
    root = f"{location}/" if location else ""
    paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=root + prefix):
        for entry in page.get("Contents", ()):
            key = str(entry["Key"])
            if not key.endswith("/"):  # a folder marker some tools create
                yield key[len(root) :]


def _tree_walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # the media folder does not exist until the first file is stored
        return
    for file in sorted(files):
        yield f"{folder}/{file}" if folder else file
    for sub in sorted(dirs):
        yield from _tree_walk(storage, f"{folder}/{sub}" if folder else sub)


def storage_walk(prefix: str = "") -> Iterator[str]:
    """Every stored name that starts with ``prefix`` (a folder such as ``attachments/`` or a name's
    start), in a stable order; readiness probes are left out. For backups: local disk or object storage."""
    prefix = prefix.lstrip("/")
    if hasattr(default_storage, "bucket_name"):  # S3: one listing of the keys, not a walk through folders
        names: Iterator[str] = iter(sorted(_s3_walk(default_storage, prefix)))
    else:
        folder = prefix if prefix.endswith("/") or not prefix else posixpath.dirname(prefix)
        names = (n for n in _tree_walk(default_storage, folder.rstrip("/")) if n.startswith(prefix))
    for name in names:
        if not name.startswith(f"{PROBE_FOLDER}/"):
            yield name
