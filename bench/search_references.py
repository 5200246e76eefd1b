"""References for the customer search benchmark, measured in the same run over the same folded terms
and with the same queries as the service:

* SQLite FTS5: a raw FTS5 table in the same file holding each customer's search terms
  (``customers_searchterm``, e.g. ``w:παπαδοπουλοσ k:papadopulos e:…``) as one document, tokenised
  so that a term stays one token; a query is the service's own probes for it (``query_groups``), exact
  terms as phrases and prefix probes as FTS5 prefix queries, OR-ed within a word and AND-ed across
  words, ranked by FTS5's bm25 (``ORDER BY rank``), top 25.
* PostgreSQL pg_trgm (when ``PELATIS_BENCH_POSTGRES_URL`` is set, as ``python -m bench`` does under
  ``scripts/with-postgres``): the same terms in a temporary table, a text column per kind of term
  (``w`` words, ``k`` phonetic keys, ``e`` emails, ``p`` phones, ``v`` VAT numbers, ``o`` order
  references: a ``w:`` tag in front of every word would put the same trigrams in every row) under one
  GIN trigram index; the same probes as ``w LIKE '% παπαδοπουλοσ %'`` / ``w LIKE '% παπαδ%'``,
  ranked by ``word_similarity`` to the names, top 25.

The probes are built outside the timing (the service's figures include building them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from pelatis import lang
from pelatis.customers.search import Probe, query_groups

LIMIT = 25
FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars ':@.+-_'"  # terms are folded already
PG_URL_ENV = "PELATIS_BENCH_POSTGRES_URL"
PG_TIMEOUT_MS = 10_000  # a reference query slower than this is reported as such, not waited for
BATCH = 20_000
KINDS = ("w", "k", "e", "p", "v", "o")
DOCS_SQL = (
    "SELECT customer_id, "
    + ", ".join(
        f"' ' || coalesce(group_concat(CASE WHEN substr(term, 1, 2) = '{kind}:' THEN substr(term, 3) END, ' '), '')"
        " || ' '"
        for kind in KINDS
    )
    + " FROM customers_searchterm GROUP BY customer_id ORDER BY customer_id"
)

Groups = list[list[Probe]]


@dataclass
class Timings:
    samples: list[float]
    found: int  # queries that returned at least one customer
    failed: int = 0  # queries that did not finish (PostgreSQL statement timeout)


def measure(run_query: Callable[[Groups, str], int], queries: list[str], rounds: int) -> Timings:
    """Every query ``rounds`` times: seconds per query, and how many found someone."""
    prepared = [(q, query_groups(q)) for q in queries]
    out = Timings([], 0)
    for _ in range(rounds):
        for q, groups in prepared:
            started = time.perf_counter()
            try:
                hits = run_query(groups, q)
            except TimeoutError:
                out.failed += 1
                hits = 0
            out.samples.append(time.perf_counter() - started)
            out.found += hits > 0
    return out


# --- SQLite FTS5 -----------------------------------------------------------------------------------


def _phrase(probe: Probe) -> str:
    quoted = '"' + probe.term.replace('"', '""') + '"'
    return f"{quoted} *" if probe.prefix else quoted


def fts_match(groups: Groups) -> str:
    """The FTS5 MATCH expression of the service's probes: a word's probes OR-ed, the words AND-ed."""
    return " AND ".join("(" + " OR ".join(_phrase(p) for p in group) + ")" for group in groups)


def fts_build() -> float:
    """The FTS5 table of every customer's terms, in the benchmark's SQLite file; seconds taken."""
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_search_fts")
        cur.execute(f'CREATE VIRTUAL TABLE bench_search_fts USING fts5(terms, tokenize="{FTS_TOKENIZER}")')
        cur.execute(
            "INSERT INTO bench_search_fts (rowid, terms) "
            "SELECT customer_id, group_concat(term, ' ') FROM customers_searchterm GROUP BY customer_id"
        )
        cur.execute("INSERT INTO bench_search_fts (bench_search_fts) VALUES ('optimize')")
    return time.perf_counter() - started


def fts_query(groups: Groups, _q: str) -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rowid FROM bench_search_fts WHERE bench_search_fts MATCH %s ORDER BY rank LIMIT %s",
            [fts_match(groups), LIMIT],
        )
        return len(cur.fetchall())


# --- PostgreSQL pg_trgm ----------------------------------------------------------------------------


def pg_connect() -> tuple[Any, str]:
    """(a psycopg connection, '') or (None, why there is none)."""
    url = os.environ.get(PG_URL_ENV, "")
    if not url:
        return None, "no PostgreSQL here (run `scripts/with-postgres make bench` to measure it)"
    import psycopg

    try:
        pg = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        return None, f"PostgreSQL not reachable: {str(exc).splitlines()[0][:80]}"
    return pg, ""


def _docs() -> Iterator[tuple[object, ...]]:
    with connection.cursor() as cur:
        cur.execute(DOCS_SQL)
        while rows := cur.fetchmany(BATCH):
            yield from rows


def trgm_build(pg: Any) -> float:
    """The same terms in a temporary PostgreSQL table, a column per kind, under a GIN trigram index; seconds."""
    started = time.perf_counter()
    with pg.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur.execute("DROP TABLE IF EXISTS bench_search_trgm")
        columns = ", ".join(f"{kind} text NOT NULL" for kind in KINDS)
        cur.execute(f"CREATE TEMP TABLE bench_search_trgm (customer_id integer PRIMARY KEY, {columns})")
        with cur.copy(f"COPY bench_search_trgm (customer_id, {', '.join(KINDS)}) FROM STDIN") as copy:
            for row in _docs():
                copy.write_row(row)
        cur.execute("SET maintenance_work_mem = '512MB'")
        trigrams = ", ".join(f"{kind} gin_trgm_ops" for kind in KINDS)
        cur.execute(f"CREATE INDEX bench_search_trgm_terms ON bench_search_trgm USING gin ({trigrams})")
        cur.execute("ANALYZE bench_search_trgm")
        cur.execute(f"SET statement_timeout = {PG_TIMEOUT_MS}")
    return time.perf_counter() - started


def _like(term: str, prefix: bool) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%" if prefix else f"% {escaped} %"


def trgm_sql(groups: Groups, q: str) -> tuple[str, list[object]]:
    """The service's probes as trigram-indexed LIKEs on their kind's column: a word's probes OR-ed,
    the words AND-ed."""
    conditions, params = [], []
    for group in groups:
        assert all(p.term[:1] in KINDS and p.term[1:2] == ":" for p in group), group
        conditions.append("(" + " OR ".join(f"{p.term[0]} LIKE %s" for p in group) + ")")
        params += [_like(p.term[2:], p.prefix) for p in group]
    sql = (
        f"SELECT customer_id FROM bench_search_trgm WHERE {' AND '.join(conditions)} "
        "ORDER BY word_similarity(%s, w || k) DESC LIMIT %s"
    )
    return sql, [*params, lang.fold(q), LIMIT]


def trgm_query_for(pg: Any) -> Callable[[Groups, str], int]:
    import psycopg

    def run(groups: Groups, q: str) -> int:
        sql, params = trgm_sql(groups, q)
        with pg.cursor() as cur:
            try:
                cur.execute(sql, params)
            except psycopg.errors.QueryCanceled as exc:
                raise TimeoutError from exc
            return len(cur.fetchall())

    return run
