"""Small request helpers every staff view uses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def int_or_none(raw: str | None) -> int | None:
    """A query-string integer, or None when absent or malformed."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def page_of(
    request: HttpRequest, items: Any, per_page: int, *, count: int | None = None
) -> tuple[Page[Any], list[Any]]:
    """The page ``?page=N`` asks for (out of range gives the nearest) and the page numbers around it for the
    pager, with … where numbers are left out; ``count`` saves the COUNT query when the caller knows it."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: setting it skips a second COUNT
    page = paginator.get_page(max(1, int_or_none(request.GET.get("page")) or 1))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def request_user(request: HttpRequest) -> User:
    """The signed-in user a staff view or API call acts as (log-in or token checked by then); else 403."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
