"""Other forms of the same first name, from the name-day table's groups.

The name-day calendar (data/namedays.tsv) already lists, for each calendar
name, the everyday, diminutive and foreign forms people go by: Γεώργιος is
also Γιώργος, Γιωργής and George; Κωνσταντίνος is also Κώστας and Ντίνος;
Μαρία is also Μαίρη. Search uses these groups so that «Γιώργος» finds
Γεώργιος, and every form finds the others.

Pure Python, no Django: forms are returned as written in the table.
"""

from __future__ import annotations

from functools import lru_cache

from pelatis.lang.fold import fold, words
from pelatis.lang.namedays import _calendar, canonical_name

__all__ = ["name_group", "name_variants"]


@lru_cache(maxsize=1)
def _groups() -> tuple[dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    """(calendar name → every form of it, folded form → the calendar names it belongs to)."""
    forms: dict[str, dict[str, str]] = {}
    for entry in _calendar().entries:
        group = forms.setdefault(entry.canonical, {})
        for form in (entry.canonical, *entry.variants):
            group.setdefault(fold(form), form)
    by_canonical = {canonical: tuple(group.values()) for canonical, group in forms.items()}
    owners: dict[str, set[str]] = {}
    for canonical, group in forms.items():
        for folded in group:
            owners.setdefault(folded, set()).add(canonical)
    return by_canonical, {folded: frozenset(names) for folded, names in owners.items()}


@lru_cache(maxsize=4096)
def name_group(name: str) -> tuple[str, ...]:
    """Every form of the first name ``name`` (its own spelling included), or () when the table does not know it.

    A form the table lists under two calendar names (a short form shared by two
    names) belongs to both groups. Spellings the table does not list verbatim are
    matched as the name-day calendar matches them: without accents, in another
    case, or in Greeklish.
    """
    tokens = words(name)
    if not tokens:
        return ()
    by_canonical, owners = _groups()
    canonicals = owners.get(tokens[0])
    if canonicals is None:
        canonical = canonical_name(tokens[0])
        if canonical is None:
            return ()
        canonicals = frozenset([canonical])
    seen: dict[str, str] = {}
    for canonical in sorted(canonicals):
        for form in by_canonical.get(canonical, ()):
            seen.setdefault(fold(form), form)
    return tuple(seen.values())


def name_variants(name: str) -> tuple[str, ...]:
    """The other forms of the first name ``name``: «Γιώργος» → Γεώργιος, Γιωργής, George…; () if unknown."""
    tokens = words(name)
    own = tokens[0] if tokens else ""
    return tuple(form for form in name_group(name) if fold(form) != own)
