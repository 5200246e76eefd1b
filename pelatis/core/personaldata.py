"""What each app holds about a person, for the data-subject rights (export and erasure).

``privacy`` runs the rights; every app that stores personal data declares a
:class:`PersonalDataParticipant` in its own ``hooks.py`` under ``PERSONAL_DATA``, with functions of its
own services. So ``privacy`` reaches every app only through that app's code and imports none of them.

Export: ``export(customer_id, language)`` returns the app's :class:`Section` list: rows of plain JSON
values (str, int, float, bool, None, lists and dicts of them; dates as ISO strings, money as a string
with its currency), and files (attachments) as :class:`ExportFile`.

Erasure: ``erase(context)`` runs inside the one transaction of the erasure. It anonymises what the app
holds about ``context.customer_id``: personal text is replaced by ``context.placeholder``, files are
deleted (after the commit, through ``transaction.on_commit``), while numbers, dates, ratings and
amounts stay, so every aggregate is unchanged. It returns an :class:`ErasureReport` with counts per
kind of item and the legal holds it kept (e.g. invoices the law requires to be kept).

``terms`` are the person's former names, emails and phones: an app that holds free text (messages,
comments, notes) also scrubs them from text it cannot tie to the customer by key (e.g. another
customer's ticket that quotes them), using :func:`scrub`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

# Stored in place of the person's data; privacy.rights writes it in the business's language.
PLACEHOLDER = gettext_noop("[erased]")


@dataclass(frozen=True)
class ExportFile:
    """A file for the ZIP: its path inside the ZIP (under the section's folder) and its bytes."""

    name: str
    read: Callable[[], bytes]
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Section:
    """One part of the export, e.g. ``tickets``: a stable key (the JSON file's name), a localised
    title, a description of the fields for the schema document, the rows, and any files."""

    key: str
    title: str
    rows: Sequence[dict[str, Any]]
    fields: dict[str, str] = field(default_factory=dict)
    files: Sequence[ExportFile] = ()


@dataclass(frozen=True)
class ErasureContext:
    customer_id: int
    terms: frozenset[str]
    reason: str
    actor: Any = None
    placeholder: str = PLACEHOLDER


@dataclass
class ErasureReport:
    counts: dict[str, int] = field(default_factory=dict)
    holds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalDataParticipant:
    """An app's part in the data-subject rights; ``app`` is its label (e.g. ``"helpdesk"``)."""

    app: str
    export: Callable[[int, str], list[Section]]
    erase: Callable[[ErasureContext], ErasureReport]
    # The person's names, emails and phones this app knows, gathered before anything is erased
    # (customers gives profile and contact points; others may add e.g. a review's author name).
    terms: Callable[[int], set[str]] | None = None


def scrub(text: str, terms: frozenset[str], placeholder: str = PLACEHOLDER) -> str:
    """``text`` with every occurrence of any term (case-insensitive, longest first) replaced."""
    useful = sorted((t for t in terms if len(t) >= 3), key=len, reverse=True)
    if not text or not useful:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in useful), re.IGNORECASE)
    return pattern.sub(placeholder, text)
