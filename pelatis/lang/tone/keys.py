"""Greeklish replies as phonetic keys, so the Greek rules' plain patterns match them too."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from pelatis.lang.fold import fold, is_greek
from pelatis.lang.greeklish import _greek_word_keys, _latin_keys_ranked, greek_key, is_greeklish
from pelatis.lang.tone.folding import _WORD_RE
from pelatis.lang.tone.rules import _PREFIXES, _default_rule_tuple

_GREEK_LETTER_RE = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
_SOFT_BETWEEN = " \t\r\n\u00a0'’-"  # between two words of one phrase


@lru_cache(maxsize=16384)
def _token_key(token: str) -> str:
    """Phonetic key of one word: greek_key() for Greek, the most likely Greeklish reading for Latin."""
    if is_greek(token):
        key = greek_key(token)
    elif not token.isascii() and _GREEK_LETTER_RE.search(token):
        return "0"  # «ξticket»: a word in two scripts reads as nothing
    else:
        readings = _latin_keys_ranked(token)
        key = readings[0] if readings else ""
    return re.sub(r"[^a-z0-9]", "", key) or "0"


@dataclass(frozen=True)
class _KeyText:
    """Greeklish as phonetic keys: 'Xrwstate 50e.' → 'hrostate 50e .', with each key's original span.

    Punctuation between words becomes a '.' token, so phrases (and ...) never run across it.
    """

    text: str
    k_starts: list[int]
    k_ends: list[int]
    o_starts: list[int]
    o_ends: list[int]

    @classmethod
    def of(cls, text: str) -> _KeyText:
        parts: list[str] = []
        k_starts: list[int] = []
        k_ends: list[int] = []
        o_starts: list[int] = []
        o_ends: list[int] = []
        pos = prev_end = 0
        for m in _WORD_RE.finditer(text):
            key = _token_key(m.group())
            if parts:
                sep = " " if not text[prev_end : m.start()].strip(_SOFT_BETWEEN) else " . "
                parts.append(sep)
                pos += len(sep)
            parts.append(key)
            k_starts.append(pos)
            pos += len(key)
            k_ends.append(pos)
            o_starts.append(m.start())
            prev_end = m.end()
            o_ends.append(prev_end)
        return cls("".join(parts), k_starts, k_ends, o_starts, o_ends)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Original span of the keys [start, end), or None when that is not a run of whole keys."""
        first = bisect_right(self.k_starts, start) - 1
        last = bisect_right(self.k_starts, end - 1) - 1
        if first < 0 or self.k_starts[first] != start or self.k_ends[last] != end:
            return None
        return self.o_starts[first], self.o_ends[last]

    def part(self, start: int, end: int) -> str:
        """The keys of the words inside the original span [start, end)."""
        first = bisect_right(self.o_starts, start - 1)
        last = bisect_right(self.o_starts, end - 1) - 1
        while last >= first and self.o_ends[last] > end:
            last -= 1
        return self.text[self.k_starts[first] : self.k_ends[last]] if last >= first else ""


@lru_cache(maxsize=1)
def _rule_word_keys() -> frozenset[str]:
    """Phonetic keys of the plain Greek words of the shipped rules: tone vocabulary counts as Greek."""
    keys = set()
    for rule in _default_rule_tuple():
        if rule.language != "el" or rule.pattern.startswith(_PREFIXES):
            continue
        for word in re.findall(r"[^\W\d_]{3,}", rule.pattern):
            if is_greek(word):
                keys.add(greek_key(word))
    return frozenset(keys)


def _reads_as_greeklish(text: str) -> bool:
    """is_greeklish(), or Latin-script text most of whose longer words are Greek words of the tone rules."""
    if is_greeklish(text):
        return True
    folded = fold(text)
    if is_greek(folded):
        return False
    tokens = [t for t in re.findall(r"[a-z0-9]*[a-z][a-z0-9]*", folded) if len(t) >= 4]
    if not tokens:
        return False
    known, common = _rule_word_keys(), _greek_word_keys()
    readings = [_latin_keys_ranked(t) for t in tokens]
    if not any(k in known for t, keys in zip(tokens, readings, strict=True) if len(t) >= 5 for k in keys):
        return False  # no tone word («xrwstate», «ftaite», «plirwsate») at all
    hits = sum(1 for keys in readings if any(k in known or k in common for k in keys))
    return hits >= len(tokens) / 3
