"""Small request helpers every staff view uses."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def int_or_none(raw: str | None) -> int | None:
    """A query-string integer, or None when absent or malformed."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
