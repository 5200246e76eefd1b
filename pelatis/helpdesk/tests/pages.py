"""What the help desk's page tests read from the HTML: URLs, inbox rows and tab counts."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

HTMX = {"HX-Request": "true"}


def url(name: str, *args: Any) -> str:
    return reverse(f"helpdesk:{name}", args=args)


def rows(html: str) -> list[int]:
    """Ticket ids of the inbox rows, in order."""
    return [int(i) for i in re.findall(r'<tr data-ticket="(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
