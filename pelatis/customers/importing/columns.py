"""Which file column feeds which field, and how a cell's text becomes a value.

Header matching (case, accents and punctuation ignored) against the known columns (their English and
Greek aliases: ``column_aliases``), and the parsers for dates, date-times and numbers written the Greek or
the English way. The word maps that turn "Εταιρεία", "Ναι" or "Ελλάδα" into stored values: ``words``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from pelatis import lang

from .common import Cell, RowError

# ---------------------------------------------------------------- headers


@dataclass(frozen=True)
class Column:
    name: str  # the English header the exporter writes
    aliases: tuple[str, ...]
    multi: bool = False  # several columns may feed it (phones, emails)


def header_key(text: str) -> str:
    """A header folded for matching: case, accents, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", lang.fold(text))


@functools.cache
def _alias_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in columns:
        for alias in (col.name, *col.aliases):
            index.setdefault(header_key(alias), col)
    return index


@dataclass
class ColumnMap:
    headers: list[str]
    positions: dict[str, list[int]]  # column name → indexes in the file, in file order
    warnings: list[RowError]
    unknown: list[int] = field(default_factory=list)  # indexes of the columns no field takes, to map by hand
    ignored: list[int] = field(default_factory=list)  # indexes the user or the platform chose to leave out

    def has(self, name: str) -> bool:
        return name in self.positions

    def header(self, name: str) -> str:
        pos = self.positions.get(name)
        return self.headers[pos[0]] if pos else name

    def field_of(self, index: int) -> str:
        """The field column ``index`` feeds, or "" when none."""
        return next((name for name, pos in self.positions.items() if index in pos), "")


def map_headers(
    headers: list[str],
    columns: tuple[Column, ...],
    *,
    overrides: dict[str, str] | None = None,
) -> ColumnMap:
    """Which file column feeds which field; unknown or repeated columns become warnings.

    ``overrides`` maps header keys (``header_key``) to a field name, or to "" to leave the column
    out: a platform's own layout and the user's choices in the preview, which win over the aliases.
    """
    index = _alias_index(columns)
    known = {col.name: col for col in columns}
    overrides = overrides or {}
    positions: dict[str, list[int]] = {}
    warnings: list[RowError] = []
    unknown: list[int] = []
    ignored: list[int] = []
    for i, header in enumerate(headers):
        if not header:
            continue
        key = header_key(header)
        col: Column | None
        if key in overrides:
            target = overrides[key]
            if not target or target not in known:
                ignored.append(i)
                continue
            col = known[target]
        else:
            col = index.get(key)
            if col is None and key.rstrip("0123456789") != key:  # "Τηλέφωνο 2", "email2"
                col = index.get(key.rstrip("0123456789"))
                col = col if col is not None and col.multi else None
        if col is None:
            unknown.append(i)
            warnings.append(RowError(1, header, _("Unknown column, ignored.")))
        elif col.name in positions and not col.multi:
            ignored.append(i)
            warnings.append(
                RowError(
                    1,
                    header,
                    _("Repeats the column “%(other)s”; ignored.")
                    % {"other": headers[positions[col.name][0]]},
                )
            )
        else:
            positions.setdefault(col.name, []).append(i)
    return ColumnMap(headers, positions, warnings, unknown, ignored)


# ---------------------------------------------------------------- values

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
SPLIT = re.compile(r"\s*[,;|]\s*")
SPLIT_PHONES = re.compile(r"\s*[,;|]\s*|\s+/\s+")


def text_of(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell.strip()
    return cell.isoformat(" ") if isinstance(cell, dt.datetime) else cell.isoformat()


def parse_date(cell: Cell) -> dt.date:
    """A date from YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY (day first, as in Greece); a trailing time is ignored."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = cell.strip()
    m = _ISO_DATE.match(text)
    if m and (len(text) == m.end() or text[m.end()] in " T"):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _DMY.match(text)
    if m and (len(text) == m.end() or text[m.end()] == " "):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(text)


def parse_datetime(cell: Cell, tz: dt.tzinfo) -> dt.datetime:
    """A moment from a date or date-time; naive values are local time in ``tz``."""
    if isinstance(cell, dt.datetime):
        value = cell
    elif isinstance(cell, dt.date):
        return dt.datetime.combine(cell, dt.time(tzinfo=tz))
    else:
        text = cell.strip()
        m = _DMY.fullmatch(text)
        if m:
            return dt.datetime(
                int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0), tzinfo=tz
            )
        value = dt.datetime.fromisoformat(text)  # ValueError when it is not a date
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def parse_decimal(cell: Cell) -> Decimal:
    """A number written the Greek way (12,50 and 1.234,50) or the English way (12.50, 1,234.50)."""
    if isinstance(cell, dt.date):
        raise ValueError(str(cell))
    text = re.sub(r"[\s\u00a0€$£]|EUR", "", cell)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "")
        text = text.replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(cell) from exc
    if not value.is_finite():
        raise ValueError(cell)
    return value
