"""The tone check as a text box shows it: every answer box (ticket replies, review answers) gets the same
hints, with offsets the browser's textarea understands and the suggestions that can replace the words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pelatis.lang.tone import ToneHint

from .services.tone import tone_check

MAX_TONE_CHARS = 20_000  # longer texts are checked up to here
_NO_REPLACE = {"structure", "shouting"}  # advice about the whole text, not wording to swap in
_INNER_ELLIPSIS = re.compile(r"(…|\.\.\.).")


@dataclass(frozen=True)
class HintView:
    """A tone hint as the page shows it: offsets in UTF-16 units (what the textarea counts) and replacements."""

    hint: ToneHint
    start: int
    end: int
    replacements: list[str] = field(default_factory=list)

    @property
    def alternatives(self) -> list[str]:
        return [a.strip() for a in self.hint.suggestion.split(" / ") if a.strip()]


def _replacements(hint: ToneHint) -> list[str]:
    """Suggestions that can stand in for the matched words; advice and templates with gaps are left as text."""
    if hint.category in _NO_REPLACE:
        return []
    out = []
    for alt in hint.suggestion.split(" / "):
        alt = alt.strip().rstrip("…").removesuffix("...").rstrip()
        if not alt or _INNER_ELLIPSIS.search(alt) or any(ch in alt for ch in "()«»“”+") or ":" in alt[:-1]:
            continue
        if hint.matched[:1].isupper() and alt[:1].islower():
            alt = alt[0].upper() + alt[1:]
        out.append(alt)
    return out[:6]


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def hint_views(text: str, *, language: str | None = None, formal: bool = True) -> list[HintView]:
    """Tone hints for ``text`` (with the house rules), ready for the ``helpdesk/_tone_hints.html`` partial."""
    if not text.strip():
        return []
    hints = tone_check(text[:MAX_TONE_CHARS], language=language, formal=formal)
    return [HintView(h, _utf16(text, h.start), _utf16(text, h.end), _replacements(h)) for h in hints]
