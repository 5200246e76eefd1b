"""check_tone(): a reply's tone hints, from every pass of the compiled rules, deduplicated."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pelatis.lang.detect import detect_language
from pelatis.lang.fold import is_greek
from pelatis.lang.tone.builtins import _caps_spans, _is_curt, _structure_span
from pelatis.lang.tone.compiled import CompiledRules, _default_compiled
from pelatis.lang.tone.folding import _WORD_RE, _fold_mapped
from pelatis.lang.tone.keys import _KeyText, _reads_as_greeklish
from pelatis.lang.tone.rules import (
    CLOSING_CHARS,
    DETECT_CHARS,
    OPENING_CHARS,
    SEVERITIES,
    STRUCTURE_MIN_WORDS,
    ToneHint,
    ToneRule,
)


def _languages(text: str, language: str | None) -> frozenset[str]:
    lang = (language or detect_language(text[:DETECT_CHARS])).lower()[:2]
    if lang in ("el", "en"):
        return frozenset((lang,))
    if lang == "un":  # too short to tell: both rule sets (each only matches its own script and words)
        return frozenset(("el", "en"))
    return frozenset()


def check_tone(
    text: str, *, language: str | None = None, formal: bool = True, rules: CompiledRules | None = None
) -> list[ToneHint]:
    """Tone hints for a reply, sorted by position; language None means detect it."""
    if not text or text.isspace():
        return []
    compiled = rules if rules is not None else _default_compiled()
    languages = _languages(text, language)
    greeklish = not is_greek(text) and _reads_as_greeklish(text[:DETECT_CHARS])
    if (
        greeklish and language is None and languages != frozenset(("en",))
    ):  # «Xrwstate 50 evrw»: too short to tell
        languages = languages | {"el"}
    profile = compiled._profile(languages, formal)
    found: list[tuple[int, int, int]] = []  # (rule index, original start, original end)

    folded = _fold_mapped(text)
    for index, start, end in profile.folded.matches(folded.text):
        found.append((index, *folded.span(start, end)))
    found.extend(profile.raw.matches(text))
    for index in profile.builtins:
        builtin = compiled._patterns[index].alternatives[0][0]
        if builtin == "@caps":
            found.extend((index, start, end) for start, end in _caps_spans(text))
        elif builtin == "@curt" and _is_curt(text, compiled.rules[index].language, greeklish):
            stripped = text.strip()
            start = text.index(stripped)
            found.append((index, start, start + len(stripped)))

    keyed = None
    if "el" in languages and profile.keys.word is not None and greeklish:
        keyed = _KeyText.of(text)
        for index, start, end in profile.keys.matches(keyed.text):
            span = keyed.span(start, end)
            if span is not None:
                found.append((index, *span))

    if profile.structure and len(_WORD_RE.findall(text)) >= STRUCTURE_MIN_WORDS:
        found.extend(_missing_parts(compiled, profile.structure, text, keyed))

    found = [f for f in found if not _answered(compiled.rules[f[0]], text, f[2])]
    return _dedupe(compiled, text, found)


_NEXT_SENTENCES_RE = re.compile(r"[^.!?;\n]*(?:[.!?;\n]+[^.!?;\n]*)?")


def _answered(rule: ToneRule, text: str, end: int) -> bool:
    """True when the rule's unless_after wording follows in the same or the next sentence
    («Δεν γίνεται, μπορούμε όμως να…»: a refusal that offers something else)."""
    if not rule.unless_after:
        return False
    m = _NEXT_SENTENCES_RE.match(text, end)
    rest = text[end : m.end()] if m else text[end:]
    pattern = rule.unless_after.replace("ς", "σ")  # folded text has σ for ς
    return re.search(pattern, _fold_mapped(rest).text) is not None


def _missing_parts(
    compiled: CompiledRules, indexes: tuple[int, ...], text: str, keyed: _KeyText | None
) -> Iterator[tuple[int, int, int]]:
    """Greeting and closing checks: a hint when the rule's words are absent from the start or the end."""
    bounds = {True: (0, min(len(text), OPENING_CHARS)), False: (max(0, len(text) - CLOSING_CHARS), len(text))}
    folded = {at_start: _fold_mapped(text[a:b]).text for at_start, (a, b) in bounds.items()}
    for index in indexes:
        pattern = compiled._patterns[index]
        at_start = pattern.kind == "missing-start"
        if pattern.regex is None or pattern.regex.search(folded[at_start]):
            continue
        if (
            keyed is not None  # Greeklish: «Kalispera sas»
            and pattern.key_alternatives
            and re.search("|".join(pattern.key_alternatives), keyed.part(*bounds[at_start]))
        ):
            continue
        yield (index, *_structure_span(text, at_start))


def _dedupe(compiled: CompiledRules, text: str, found: list[tuple[int, int, int]]) -> list[ToneHint]:
    """One hint per span, and of overlapping hints of one category only the strongest (warn, then longest)."""
    rules = compiled.rules
    ranked = sorted(
        set(found), key=lambda f: (SEVERITIES.index(rules[f[0]].severity), f[1] - f[2], f[1], f[0])
    )
    kept: list[tuple[int, int, int]] = []
    spans: set[tuple[int, int]] = set()
    by_category: dict[str, tuple[list[int], list[int]]] = {}  # kept starts and ends, sorted, disjoint
    for index, start, end in ranked:
        if (start, end) in spans:
            continue
        starts, ends = by_category.setdefault(rules[index].category, ([], []))
        j = bisect_right(starts, start)
        if (j and ends[j - 1] > start) or (j < len(starts) and starts[j] < end):
            continue
        starts.insert(j, start)
        ends.insert(j, end)
        kept.append((index, start, end))
        spans.add((start, end))
    kept.sort(key=lambda f: (f[1], f[2], f[0]))
    return [
        ToneHint(
            rule_id=rules[i].id,
            category=rules[i].category,
            severity=rules[i].severity,
            start=start,
            end=end,
            matched=text[start:end],
            message=rules[i].message,
            suggestion=rules[i].suggestion,
        )
        for i, start, end in kept
    ]
