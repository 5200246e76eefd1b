"""A scan of every column of every table in the database for a person's names, emails and phones: what
the erasure test runs afterwards. Text, JSON and binary values are read whole; a name is also looked for
folded (accents, case and final sigma), as the search tables keep words."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection

from pelatis import lang

TEXT_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "JSONField",
        "BinaryField",
        "EmailField",
        "SlugField",
        "FileField",
        "GenericIPAddressField",
        "URLField",
        "UUIDField",
    }
)


@dataclass
class ScanResult:
    tables: int = 0
    columns: int = 0
    text_columns: int = 0
    rows: int = 0
    hits: list[tuple[str, str, str]] = field(default_factory=list)  # table, column, term

    @property
    def hit_columns(self) -> list[str]:
        return sorted({f"{t}.{c}" for t, c, _term in self.hits})


def _texts(value: Any) -> list[str]:
    """What a stored value says, in every form a term could be found in."""
    if value is None or isinstance(value, bool | int | float):
        return []
    if isinstance(value, memoryview | bytes | bytearray):
        raw = bytes(value)
        return [raw.decode("utf-8", "ignore"), raw.decode("latin-1")]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    text = str(value)
    out = [text]
    if text[:1] in '[{"':
        with contextlib.suppress(ValueError):
            out.append(json.dumps(json.loads(text), ensure_ascii=False))
    return out


def database_tables() -> list[str]:
    """Every table: those of the installed models and the raw ones (FTS tables and their shadows)."""
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor, include_views=False))
    return sorted(present | (model_tables & present))


def scan(terms: Iterable[str], *, names: Iterable[str] = ()) -> ScanResult:
    """Every column of every table searched for ``terms`` (case-insensitive) and ``names`` (folded too)."""
    wanted = {t.casefold(): t for t in terms if t}
    folded = {lang.fold(n): n for n in names if n}
    result = ScanResult()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in database_tables():
            description = connection.introspection.get_table_description(cursor, table)
            result.tables += 1
            result.columns += len(description)
            text_columns = []
            for column in description:
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    kind = "TextField"  # a raw table's untyped column: read it as text
                if kind in TEXT_TYPES:
                    text_columns.append(column.name)
            result.text_columns += len(text_columns)
            if not text_columns:
                continue
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in text_columns)} FROM {quote(table)}"  # noqa: S608 — names from introspection
            )
            for row in cursor.fetchall():
                result.rows += 1
                for name, value in zip(text_columns, row, strict=True):
                    for text in _texts(value):
                        low = text.casefold()
                        for key, term in wanted.items():
                            if key in low:
                                result.hits.append((table, name, term))
                        if folded:
                            fold = lang.fold(text)
                            for key, term in folded.items():
                                if key in fold:
                                    result.hits.append((table, name, term))
    result.hits = sorted(set(result.hits))
    return result
