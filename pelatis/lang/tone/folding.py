"""Folding a reply character by character while remembering where each folded character came from."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from pelatis.lang.fold import fold

_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"

_WORD_RE = re.compile(r"[^\W_]+")
# a word of the original text


@lru_cache(maxsize=4096)
def _char_fold(ch: str) -> str:
    """fold() of one character, except that whitespace stays (line breaks as such) and quotes and dashes unify."""
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if ch.isspace():
        return "\n" if ch in "\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85" else " "
    return fold(ch)


def _one_to_one() -> tuple[dict[int, str], re.Pattern[str]]:
    """Translate table for the characters that fold to exactly one character, and a regex for the rest."""
    table: dict[int, str] = {}
    safe: list[int] = []
    blocks = (range(0x0250), range(0x0300, 0x0400), range(0x1F00, 0x2070), range(0x20A0, 0x20D0))
    for cp in itertools.chain(*blocks):
        folded = _char_fold(chr(cp))
        if len(folded) == 1:
            safe.append(cp)
            if folded != chr(cp):
                table[cp] = folded
    runs = []
    for _, group in itertools.groupby(enumerate(safe), key=lambda item: item[1] - item[0]):
        cps = [cp for _, cp in group]
        runs.append(f"{re.escape(chr(cps[0]))}-{re.escape(chr(cps[-1]))}")
    return table, re.compile(f"[^{''.join(runs)}]")


_TABLE, _OTHER_CHAR_RE = _one_to_one()


@dataclass(frozen=True)
class _Folded:
    """Folded text plus the segments mapping it back: (folded start, original start, one char per char)."""

    text: str
    original: str
    f_starts: tuple[int, ...]
    o_starts: tuple[int, ...]
    linear: tuple[bool, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span [start, end)."""
        k = bisect_right(self.f_starts, start) - 1
        o_start = self.o_starts[k] + (start - self.f_starts[k] if self.linear[k] else 0)
        k = bisect_right(self.f_starts, end - 1) - 1
        o_end = self.o_starts[k] + (end - 1 - self.f_starts[k] if self.linear[k] else 0) + 1
        while o_end < len(self.original) and not _char_fold(self.original[o_end]):
            o_end += 1  # a combining accent belongs to the letter before it
        return o_start, o_end


def _fold_mapped(text: str) -> _Folded:
    """Fold text character by character, remembering where each folded character came from."""
    if _OTHER_CHAR_RE.search(text) is None:  # the usual case: one C-level pass, identity offsets
        return _Folded(text.translate(_TABLE), text, (0,), (0,), (True,))
    parts: list[str] = []
    f_starts: list[int] = []
    o_starts: list[int] = []
    linear: list[bool] = []
    f_pos = o_pos = 0
    for m in _OTHER_CHAR_RE.finditer(text):
        if m.start() > o_pos:  # a run of ordinary characters
            chunk = text[o_pos : m.start()].translate(_TABLE)
            parts.append(chunk)
            f_starts.append(f_pos)
            o_starts.append(o_pos)
            linear.append(True)
            f_pos += len(chunk)
        folded = _char_fold(m.group())
        if folded:
            parts.append(folded)
            f_starts.append(f_pos)
            o_starts.append(m.start())
            linear.append(len(folded) == 1)
            f_pos += len(folded)
        o_pos = m.end()
    if o_pos < len(text):
        parts.append(text[o_pos:].translate(_TABLE))
        f_starts.append(f_pos)
        o_starts.append(o_pos)
        linear.append(True)
    if not f_starts:
        f_starts, o_starts, linear = [0], [0], [True]
    return _Folded("".join(parts), text, tuple(f_starts), tuple(o_starts), tuple(linear))
