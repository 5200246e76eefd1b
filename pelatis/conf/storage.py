"""Where files live (attachments, imports, exports, privacy ZIPs): the data folder, or an S3-compatible
object store named by ``PELATIS_STORAGE_URL=s3://BUCKET[/PREFIX]?endpoint_url=…&region=…``."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Stored files hold personal data (attachments, privacy ZIPs, import uploads): on local disk only the
# service's user reads them; the web server never serves the media folder (downloads go through views).
FILESYSTEM_OPTIONS = {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}
FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": FILESYSTEM_OPTIONS}
# A stalled object store must not hold a request or a task for long: bounded connect/read waits, a few
# retries (botocore's standard mode backs off between them).
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 30
RETRIES = 3


def default_storage(url: str, *, access_key: str = "", secret_key: str = "") -> dict[str, object]:
    """The ``STORAGES["default"]`` entry for ``PELATIS_STORAGE_URL`` (empty: local disk)."""
    if not url:
        return {"BACKEND": FILESYSTEM["BACKEND"], "OPTIONS": dict(FILESYSTEM_OPTIONS)}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"PELATIS_STORAGE_URL must be s3://BUCKET[/PREFIX][?options], not {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region"}
    if unknown:
        raise ImproperlyConfigured(f"PELATIS_STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}")
    options: dict[str, object] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # files are private: nothing is public-read, and downloads go through Pelatis's permission checks
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    # botocore ships no type information; it is imported only when object storage is configured
    config_class: Any = importlib.import_module("botocore.config").Config
    options["client_config"] = config_class(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"max_attempts": RETRIES, "mode": "standard"},
        s3={"addressing_style": "path" if query.get("endpoint_url") else None},
        signature_version="s3v4",
    )
    if query.get("endpoint_url"):
        options["endpoint_url"] = query["endpoint_url"]
    if query.get("region"):
        options["region_name"] = query["region"]
    if access_key:
        options["access_key"] = access_key
    if secret_key:
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
