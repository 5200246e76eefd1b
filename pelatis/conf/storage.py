"""Where files live (attachments, imports, exports, privacy ZIPs): the data folder, or an S3-compatible
object store named by ``PELATIS_STORAGE_URL=s3://BUCKET[/PREFIX]?endpoint_url=…&region=…``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def default_storage(url: str, *, access_key: str = "", secret_key: str = "") -> dict[str, object]:
    """The ``STORAGES["default"]`` entry for ``PELATIS_STORAGE_URL`` (empty: local disk)."""
    if not url:
        return dict(FILESYSTEM)
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
    if query.get("endpoint_url"):
        options["endpoint_url"] = query["endpoint_url"]
    if query.get("region"):
        options["region_name"] = query["region"]
    if access_key:
        options["access_key"] = access_key
    if secret_key:
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
