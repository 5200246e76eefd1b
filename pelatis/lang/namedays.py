"""Greek Orthodox Easter and name days (εορτολόγιο), from the curated table in data/namedays.tsv."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dateutil.easter import EASTER_ORTHODOX
from dateutil.easter import easter as _dateutil_easter

from pelatis.lang.fold import fold, is_greek, words
from pelatis.lang.greeklish import _latin_keys_ranked, greek_key

__all__ = ["all_name_forms", "canonical_name", "celebrating_on", "easter", "name_day"]

_TABLE = Path(__file__).resolve().parent / "data" / "namedays.tsv"


@dataclass(frozen=True)
class _Entry:
    canonical: str
    rule: str
    variants: tuple[str, ...]


@dataclass
class _Calendar:
    entries: list[_Entry] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # canonical → rule
    forms: dict[str, str] = field(default_factory=dict)  # folded form → canonical
    keys: dict[str, str] = field(default_factory=dict)  # greek_key of a Greek form → canonical


def easter(year: int) -> datetime.date:
    """Orthodox Easter Sunday of year (Gregorian date)."""
    return _dateutil_easter(year, EASTER_ORTHODOX)


def _parse_rule(rule: str) -> None:
    """Raise ValueError unless rule is MM-DD, E±N or MM-DD|E+N."""
    fixed, _, moved = rule.partition("|")
    for part in (fixed, moved) if moved else (fixed,):
        if part.startswith("E"):
            int(part[1:] or "0")
        else:
            month, day = (int(x) for x in part.split("-"))
            datetime.date(2024, month, day)


@lru_cache(maxsize=1)
def _calendar() -> _Calendar:
    """Parse the table once and build the look-up indexes."""
    cal = _Calendar()
    for lineno, line in enumerate(_TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        canonical, rule = cols[0].strip(), cols[1].strip()
        try:
            _parse_rule(rule)
        except ValueError as exc:
            raise ValueError(f"{_TABLE.name}:{lineno}: bad rule {rule!r}") from exc
        variants = tuple(v.strip() for v in cols[2].split(",") if v.strip()) if len(cols) > 2 else ()
        cal.entries.append(_Entry(canonical, rule, variants))
        cal.rules.setdefault(canonical, rule)
    # Canonical names first, so that a variant never takes over the key of a calendar name.
    for entry in cal.entries:
        cal.forms.setdefault(fold(entry.canonical), entry.canonical)
        cal.keys.setdefault(greek_key(entry.canonical), entry.canonical)
    for entry in cal.entries:
        for variant in entry.variants:
            cal.forms.setdefault(fold(variant), entry.canonical)
            if is_greek(variant):
                cal.keys.setdefault(greek_key(variant), entry.canonical)
    return cal


def all_name_forms() -> list[str]:
    """Every name form in the table (canonical names and variants, Greek and Latin)."""
    return [form for e in _calendar().entries for form in (e.canonical, *e.variants)]


@lru_cache(maxsize=8192)
def canonical_name(first_name: str) -> str | None:
    """Calendar name for any spelling, diminutive or Greeklish form of a first name; None if unknown."""
    tokens = words(first_name)
    if not tokens:
        return None
    token = tokens[0]
    cal = _calendar()
    if token in cal.forms:
        return cal.forms[token]
    if is_greek(token):
        return cal.keys.get(greek_key(token))
    for key in _latin_keys_ranked(token):
        if key in cal.keys:
            return cal.keys[key]
    return None


def _rule_date(rule: str, year: int) -> datetime.date:
    """Date of a table rule in year."""
    if rule.startswith("E"):
        return easter(year) + datetime.timedelta(days=int(rule[1:] or "0"))
    fixed, _, moved = rule.partition("|")
    month, day = (int(x) for x in fixed.split("-"))
    result = datetime.date(year, month, day)
    if moved:
        # The feast cannot be kept in Lent or Holy Week: it moves to the given day of Bright Week.
        target = easter(year) + datetime.timedelta(days=int(moved[1:]))
        if result < target:
            return target
    return result


def name_day(first_name: str, year: int) -> datetime.date | None:
    """Name day of first_name in year, or None when the name is not in the calendar."""
    canonical = canonical_name(first_name)
    if canonical is None:
        return None
    return _rule_date(_calendar().rules[canonical], year)


@lru_cache(maxsize=16)
def _year_index(year: int) -> dict[datetime.date, tuple[str, ...]]:
    """Calendar names by date for one year."""
    index: dict[datetime.date, list[str]] = {}
    for canonical, rule in _calendar().rules.items():
        index.setdefault(_rule_date(rule, year), []).append(canonical)
    return {day: tuple(names) for day, names in index.items()}


def celebrating_on(day: datetime.date) -> list[str]:
    """Calendar names whose name day falls on day."""
    if isinstance(day, datetime.datetime):  # a datetime never equals a date key
        day = day.date()
    return list(_year_index(day.year).get(day, ()))
