"""The tone check as a text box shows it: every answer box (ticket replies, review answers) gets the same
hints, with offsets the browser's textarea understands and the suggestions that can replace the words.

Each replacement is the exact text to put between ``start`` and ``end`` (pelatis.lang.tone_apply works out
the span and the wording, so the sentence stays grammatical); the page only splices it in, and gets the
same text as ``apply_suggestion()``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from pelatis.lang.tone import CompiledRules, ToneHint
from pelatis.lang.tone_apply import edits_for

from .services.tone import tone_check, tone_rules

MAX_TONE_CHARS = 20_000  # longer texts are checked up to here


@dataclass(frozen=True)
class HintView:
    """A tone hint as the page shows it: offsets in UTF-16 units (what the textarea counts) and replacements.

    ``hint.start``/``hint.end``/``hint.matched`` are the span the replacements take the place of: the
    hint's own words, widened when a suggestion also changes the words around them."""

    hint: ToneHint
    start: int
    end: int
    replacements: list[str] = field(default_factory=list)

    @property
    def alternatives(self) -> list[str]:
        return [a.strip() for a in self.hint.suggestion.split(" / ") if a.strip()]


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def hint_view(text: str, hint: ToneHint, rules: CompiledRules) -> HintView:
    """One hint with its replacements, all over one span of ``text`` (the union of what they change)."""
    edits = edits_for(text, hint, rule=rules.by_id.get(hint.rule_id))
    if not edits:
        return HintView(hint, _utf16(text, hint.start), _utf16(text, hint.end), [])
    start = min([hint.start] + [e.start for e in edits])
    end = max([hint.end] + [e.end for e in edits])
    replacements = [text[start : e.start] + e.text + text[e.end : end] for e in edits]
    widened = dataclasses.replace(hint, start=start, end=end, matched=text[start:end])
    return HintView(widened, _utf16(text, start), _utf16(text, end), replacements)


def hint_views(text: str, *, language: str | None = None, formal: bool = True) -> list[HintView]:
    """Tone hints for ``text`` (with the house rules), ready for the ``helpdesk/_tone_hints.html`` partial."""
    if not text.strip():
        return []
    text = text[:MAX_TONE_CHARS]
    hints = tone_check(text, language=language, formal=formal)
    rules = tone_rules()
    return [hint_view(text, h, rules) for h in hints]
