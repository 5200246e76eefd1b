"""Ticket search: what a ticket is found by, and how a typed query finds it.

Every ticket has one ``TicketSearch`` row whose ``doc`` holds the distinct
folded words (accents, case and ς folded by ``lang.fold``) of its subject, its
customer's name and what the customer wrote, plus the phonetic Latin key of
each Greek word, so "kratisi" finds «κράτηση» as the customer search finds
"papadopoulos". A query word matches a word of the document by prefix, or
through its Greeklish keys; every word of the query must match.

The database does the word lookup: on SQLite an FTS5 table over ``doc`` (kept
in step by triggers, see migration 0011), on PostgreSQL a GIN index on
``to_tsvector('simple', doc)``. Both give the newest matching tickets first
without reading the others. The customer's email, phone and current name are
matched through the customer search itself (``customer_search_ids``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch

from pelatis import lang

from .models import Message, Ticket, TicketSearch

DOC_SOURCE_CHARS = 20_000  # of the customer's messages, per ticket: enough for what people search by
MAX_WORDS = 6
FTS_TABLE = "helpdesk_ticketsearch_fts"
TS_CONFIG = "simple"
_TOKEN = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"^#\s*(\d{1,18})$|^(\d{1,18})$")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(lang.fold(text))


def doc_of(*, subject: str, customer_name: str, texts: Iterable[str]) -> str:
    """The search document of a ticket: distinct folded words, each Greek word followed by its key."""
    seen: dict[str, None] = {}
    budget = DOC_SOURCE_CHARS
    sources = [subject, customer_name]
    for text in texts:
        if budget <= 0:
            break
        sources.append(text[:budget])
        budget -= len(text)
    for source in sources:
        for token in _tokens(source or ""):
            if token in seen:
                continue
            seen[token] = None
            if len(token) >= 2 and lang.is_greek(token):
                key = lang.greek_key(token)
                if key:
                    seen.setdefault(key, None)
    return " ".join(seen)


@dataclass(frozen=True)
class TicketQuery:
    """A typed query taken apart: a ticket number, and word groups (each a set of prefixes; all must match)."""

    number: int | None
    only_number: bool
    groups: tuple[tuple[str, ...], ...]
    text: str

    @property
    def empty(self) -> bool:
        return self.number is None and not self.groups


def parse(q: str) -> TicketQuery:
    """``#123`` is that ticket alone; ``123`` is ticket 123 or any ticket mentioning 123 (or a phone starting so)."""
    text = " ".join((q or "").split())[:200]
    m = _NUMBER.match(text)
    number = int(m.group(1) or m.group(2)) if m else None
    if m and m.group(1):
        return TicketQuery(number, True, (), text)
    groups: list[tuple[str, ...]] = []
    for token in _tokens(text)[:MAX_WORDS]:
        if len(token) < 2 and not token.isdigit():
            continue  # a lone letter matches nearly everything
        alts = {token}
        if not token.isdigit() and len(token) >= 2:
            if lang.is_greek(token):
                key = lang.greek_key(token)
                if len(key) >= 3:
                    alts.add(key)  # ω/ο, η/ι and other spellings of the same sound
            else:
                alts.update(k for k in lang.query_keys(token) if len(k) >= 2)
        groups.append(tuple(sorted(alts)))
    return TicketQuery(number, False, tuple(groups), text)


def fts_match_sqlite(groups: tuple[tuple[str, ...], ...]) -> str:
    """An FTS5 MATCH expression: every group, any of its prefixes (tokens are letters and digits only)."""
    return " AND ".join("(" + " OR ".join(f'"{alt}"*' for alt in alts) + ")" for alts in groups)


def tsquery_postgres(groups: tuple[tuple[str, ...], ...]) -> str:
    """The same for PostgreSQL's to_tsquery."""
    return " & ".join("(" + " | ".join(f"'{alt}':*" for alt in alts) + ")" for alts in groups)


def matching_ids(query: TicketQuery, *, limit: int) -> list[int]:
    """Ids of tickets whose document matches every word group, newest first, at most ``limit``."""
    if not query.groups:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT ticket_id FROM {TicketSearch._meta.db_table} "  # noqa: S608 — names are constants; the query is a parameter
                f"WHERE to_tsvector('{TS_CONFIG}'::regconfig, doc) @@ to_tsquery('{TS_CONFIG}'::regconfig, %s) "
                "ORDER BY ticket_id DESC LIMIT %s",
                [tsquery_postgres(query.groups), limit],
            )
        else:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s",  # noqa: S608 — names are constants; the query is a parameter
                [fts_match_sqlite(query.groups), limit],
            )
        return [int(row[0]) for row in cursor.fetchall()]


def _texts(messages: list[Message]) -> list[str]:
    """What the customer wrote, and the first message when we started the conversation."""
    return [
        m.visible_text or m.body_text
        for i, m in enumerate(messages)
        if m.direction == Message.Direction.INBOUND or i == 0
    ]


def search_index(*, ticket_ids: Iterable[int], batch: int = 500) -> int:
    """(Re)build the search documents of these tickets (call inside the writing transaction); returns how many."""
    ids = sorted(set(ticket_ids))
    done = 0
    inbound = (
        Message.objects.exclude(direction=Message.Direction.NOTE)
        .only("ticket_id", "direction", "visible_text", "body_text")
        .order_by("created_at", "id")
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        tickets = list(
            Ticket.objects.filter(pk__in=chunk)
            .select_related("customer")
            .only("subject", "customer__display_name")
            .prefetch_related(Prefetch("messages", queryset=inbound, to_attr="search_messages"))
        )
        rows = [
            TicketSearch(
                ticket_id=t.pk,
                doc=doc_of(
                    subject=t.subject, customer_name=t.customer.display_name, texts=_texts(t.search_messages)
                ),
            )
            for t in tickets
        ]
        TicketSearch.objects.filter(ticket_id__in=chunk).delete()
        TicketSearch.objects.bulk_create(rows, batch_size=batch)
        done += len(rows)
    return done
