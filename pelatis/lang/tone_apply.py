"""Applying a tone suggestion so that the reply stays a grammatical sentence.

A hint marks some words; its suggestion is the agreed wording. Putting the suggestion where the words
were is not enough: «μας χρωστάτε 50 €» needs the «μας» gone and «υπόλοιπο» before the amount,
«Όπως σας είπα ήδη, …» needs the comma folded into the lead-in's colon, a sentence-long suggestion
replaces the whole blaming sentence, and the first letter follows the position (capital at the start
of a sentence, small inside one). plan() works that out and returns one Edit: a span of the original
text and the text to put there. Splicing the edit is all a browser has to do, so the page and
apply_suggestion() give the same text.

How a rule's suggestion fits (the rule's ``fit``; when empty, from the suggestion's last character):

    words     the suggestion stands in for the matched words (no final punctuation)
    lead      an opening phrase ending in ':' or ',' («Για να το συνοψίσουμε:», "To recap,"):
              it takes the place of the words and of a following comma, ότι/πως/that; inside a
              sentence, a ':' lead-in is dropped with its commas and a ',' one is set off by commas
    clause    a clause ending in ':' replaces the clause holding the words (up to , · : . ! ? ;);
              a rule must ask for it (a ':' suggestion is a lead-in by default)
    sentence  a whole sentence replaces the sentence holding the words (a greeting before it stays)
    advice    never put in the text: the agent has to finish the wording («… μπορούμε όμως να…»)

A rule's ``fits`` adjust the wording to its context. Each has regexes on folded text (no accents,
lower case, σ for ς) for the words just ``before`` the match (taken into the span), the matched
words (``match``, the whole of them) and the words just ``after`` (taken into the span), and the
``text`` to put there, in which {name} is the original text of a named group. The first fit whose
regexes all match serves the suggestion's alternative number ``alt`` (0 = the first).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pelatis.lang.fold import is_greek
from pelatis.lang.greeklish import to_latin
from pelatis.lang.tone import CompiledRules, ToneFit, ToneHint, ToneRule, check_tone, rule_for
from pelatis.lang.tone.folding import _fold_mapped

__all__ = ["FITS", "Edit", "apply_edit", "apply_suggestion", "edits_for", "fit_of", "fix_all", "plan"]

FITS = ("words", "lead", "clause", "sentence", "advice")

_SENTENCE_END = ".!?;\n…"  # ; is the Greek question mark
_CLAUSE_END = ".!?;\n…,·:"
_PUNCT = ".,;:!?·…"
_TEMPLATE_MARKS = ("…", "...", "(", ")", "«", "»", "“", "”", "+")
_KEEP_CAPITAL = {"i", "i'm", "i'll", "i've", "i'd"}
_GREETING_RE = re.compile(
    r"(?:αγαπητ\w*|αξιοτιμ\w*|καλημερα|καλησπερα|γεια|χαιρετ\w*|κυρι\w+|κ\.|dear|hello|hi|good (?:morning|afternoon|evening)"
    r"|greetings)(?:[ \t]+[^\s,.!?;]+){0,3}[ \t]*,[ \t]*"
)
_LEAD_TAIL_RE = re.compile(r"[ \t]*,?[ \t]*(?:(?:οτι|πωσ|that)(?!\w)[ \t]*,?)?")
_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
_LETTER_RE = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with ``text``."""

    start: int
    end: int
    text: str


def apply_edit(text: str, edit: Edit) -> str:
    """The text with the edit made (what the reply box does with setRangeText)."""
    return text[: edit.start] + edit.text + text[edit.end :]


def fit_of(rule: ToneRule | None, alternative: str) -> str:
    """How an alternative of the rule's suggestion fits the text (see the module docstring)."""
    if rule is not None and rule.fit:
        return rule.fit
    if rule is not None and rule.category in ("structure", "shouting"):
        return "advice"
    last = alternative.rstrip()[-1:]
    if last in ".!?;":
        return "sentence"
    if last in ":,":
        return "lead"
    return "words"


def _is_template(alternative: str) -> bool:
    """A wording the agent has to finish or pick from («Κύριε/Κυρία + επώνυμο», "could you please …")."""
    body = alternative[:-1] if alternative.endswith((":", ",")) else alternative
    return (
        not alternative or any(mark in alternative for mark in _TEMPLATE_MARKS) or ":" in body or "/" in body
    )


# --- context -------------------------------------------------------------------------------------


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(' \t\u00a0«"“(')
    if not before or before[-1] in _SENTENCE_END:
        return True
    since = before[max(before.rfind(ch) for ch in _SENTENCE_END) + 1 :]
    return not re.search(r"[^\W_]", since)  # only an emoji or a bullet before: «🙂 Χρωστάτε…»


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding [start, end): after the previous . ! ? ; or line break, to its own end mark."""
    s = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    while s < start and text[s] in " \t\u00a0":
        s += 1
    greeting = _GREETING_RE.match(_fold_mapped(text[s:start]).text)
    if greeting and greeting.start() == 0:  # «Καλησπέρα σας, φταίτε εσείς…»: the greeting stays
        s += len(text[s:start]) - len(text[s:start].lstrip()) + _orig_len(text[s:start], greeting.end())
    if text[end - 1 : end] in tuple(".!?;…"):  # «Καταλάβατε;» already holds its mark
        m = re.compile(r"[.!?;…]*").match(text, end)
    else:
        m = re.compile(r"[^.!?;\n…]*[.!?;…]*").match(text, end)
    e = m.end() if m else end
    return s, e


def _orig_len(original: str, folded_len: int) -> int:
    """Characters of ``original`` whose folded form is ``folded_len`` long."""
    folded = _fold_mapped(original)
    if folded_len >= len(folded.text):
        return len(original)
    return folded.span(folded_len, folded_len + 1)[0]


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding [start, end), its closing mark included (not a line break)."""
    s = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    while s < start and text[s] in " \t\u00a0":
        s += 1
    e = end
    while e < len(text) and text[e] not in _CLAUSE_END:
        e += 1
    if e < len(text) and text[e] != "\n":
        e += 1
        while e < len(text) and text[e] in _PUNCT:
            e += 1
    return s, e


def _capitalise(s: str) -> str:
    m = _LETTER_RE.search(s)
    return s if m is None else s[: m.start()] + s[m.start()].upper() + s[m.start() + 1 :]


def _decapitalise(s: str) -> str:
    m = re.match(r"([^\W\d_]+(?:'[^\W\d_]+)?)", s)
    if m is None:
        return s
    word = m.group(1)
    if word.lower() in _KEEP_CAPITAL or not word[0].isupper() or (len(word) > 1 and not word[1:].islower()):
        return s
    return word[0].lower() + s[1:]


# --- fits ----------------------------------------------------------------------------------------


def folded_regex(source: str) -> str:
    """A regex written with final sigmas, for folded text (where ς is σ)."""
    return source.replace("ς", "σ")


def _fit_text(text: str, start: int, end: int, fit: ToneFit) -> tuple[int, int, str] | None:
    """(start, end, wording) when the fit's regexes match around [start, end)."""
    folded = _fold_mapped(text)
    f_start = len(_fold_mapped(text[:start]).text)
    f_end = len(_fold_mapped(text[:end]).text)
    groups: dict[str, str] = {}

    def collect(m: re.Match[str], offset: int) -> None:
        for name, value in m.groupdict().items():
            if value is None:
                groups.setdefault(name, "")
                continue
            a, b = m.span(name)
            if a == b:
                groups[name] = ""
            else:
                o_a, o_b = folded.span(offset + a, offset + b)
                groups[name] = text[o_a:o_b]

    s, e = start, end
    if fit.before:
        m = re.search(f"(?:{folded_regex(fit.before)})$", folded.text[:f_start])
        if m is None:
            return None
        collect(m, 0)
        if m.start() < f_start:
            s = folded.span(m.start(), m.start() + 1)[0]
    if fit.match:
        m = re.fullmatch(folded_regex(fit.match), folded.text[f_start:f_end])
        if m is None:
            return None
        collect(m, f_start)
    if fit.after:
        m = re.match(folded_regex(fit.after), folded.text[f_end:])
        if m is None:
            return None
        collect(m, f_end)
        if m.end() > 0:
            e = folded.span(f_end + m.end() - 1, f_end + m.end())[1]
    wording = _PLACEHOLDER_RE.sub(lambda p: groups.get(p.group(1), ""), fit.text)
    if "{lower}" in fit.text or fit.text == "@lower":
        wording = _sentence_case(text[start:end])
    return s, e, re.sub(r"[ \t]{2,}", " ", wording).strip()


ACRONYMS = frozenset(
    [
        "IBAN",
        "SMS",
        "VAT",
        "PDF",
        "ID",
        "OK",
        "EU",
        "UK",
        "USA",
        "PIN",
        "CVV",
        "ATM",
        "URL",
        "GPS",
        "TV",
        "WIFI",
        "AC",
        "SPA",
        "BIC",
        "SWIFT",
        "QR",
        "PS",
        "NB",
        "ΑΦΜ",
        "ΔΟΥ",
        "ΑΜΚΑ",
        "ΦΠΑ",
        "ΚΤΕΟ",
        "ΕΦΚΑ",
        "ΙΚΑ",
        "ΑΤ",
    ]
)


def _sentence_case(words: str) -> str:
    """ALL-CAPS Latin words in small letters, acronyms (IBAN, SMS, VAT) kept."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group() if m.group() in ACRONYMS else m.group().lower(), words)


# --- planning ------------------------------------------------------------------------------------


def _mode_span(text: str, start: int, end: int, mode: str, wording: str) -> tuple[int, int, str]:
    """Span and wording for a fit mode, before the seams are tidied."""
    if mode == "sentence":
        s, e = _sentence_bounds(text, start, end)
        return s, e, wording
    if mode == "clause":
        s, e = _clause_bounds(text, start, end)
        if s > 0 and text[s - 1] == "," and _at_sentence_start(text, s - 1) is False:
            pass  # «Λυπάμαι, αλλά κάνετε λάθος»: the clause after the comma is replaced
        return s, e, wording
    if mode == "lead":
        folded_after = _fold_mapped(text[end:]).text
        tail = _LEAD_TAIL_RE.match(folded_after)
        tail_len = _orig_len(text[end:], tail.end()) if tail else 0
        if _at_sentence_start(text, start):
            e = end + tail_len
            if e < len(text) and text[e] in ".!;…":  # «Όπως σας είπα ήδη. Η κράτηση…»
                e += 1
            return start, e, wording
        before = text[:start].rstrip(" \t")
        after = text[end:].lstrip(" \t")
        comma_before = before.endswith(",")
        if wording.endswith(":"):  # a lead-in has no place inside a sentence: the words go
            s = len(before) - 1 if comma_before else start
            e = end + tail_len
            if comma_before and after.startswith(","):
                e = end + (len(text[end:]) - len(after)) + 1
            return s, e, ""
        inner = _decapitalise(wording.rstrip(",").rstrip())
        if comma_before:
            return start, end, inner
        if after[:1] in (",", "") or after[:1] in _PUNCT:
            return len(before), end, ", " + inner
        return len(before), end, ", " + inner + ","
    return start, end, wording


def _seams(text: str, s: int, e: int, new: str) -> Edit:
    """Tidy the edges: one space between words, none before punctuation, no doubled marks, capitals."""
    new = new.strip(" \t")
    after = text[e:]
    if not new:
        spaces_after = len(after) - len(after.lstrip(" \t"))
        if (
            s == 0
            or text[s - 1] in " \t\n"
            or after[spaces_after : spaces_after + 1] in tuple(_PUNCT) + ("\n",)
            or not after.strip(" \t")
        ):
            e += spaces_after
        elif spaces_after == 0 and text[s - 1].isalnum() and after[:1].isalnum():
            new = " "
        if _at_sentence_start(text, s):
            nxt = re.match(r"[ \t]*[^\W\d_]", text[e:])
            if nxt:
                e2 = e + nxt.end()
                return Edit(s, e2, _capitalise(text[e:e2]).lstrip(" \t"))
        return Edit(s, e, new)
    if new[0].isalnum() or new[0] in '«"“(':
        new = _capitalise(new) if _at_sentence_start(text, s) else _decapitalise(new)
    if s > 0 and not text[s - 1].isspace() and text[s - 1] not in '(«"“' and new[0] not in _PUNCT:
        new = " " + new
    if new[-1] in _PUNCT:
        m = re.match(r"[ \t]*[.,;:!?·…]+", text[e:])
        if m:  # the suggestion's own mark replaces the one that followed the words
            e += m.end()
    after = text[e:]
    rest = after.lstrip(" \t")
    if new.endswith(":") and (not rest or rest.startswith("\n")):  # nothing left to introduce
        head, sep, last = new[:-1].rpartition("·")
        new = (head.rstrip() if sep and len(last.split()) == 1 else new[:-1]) + "."
    if (
        after
        and not after[0].isspace()
        and after[0] not in _PUNCT + ')»"”'
        and (new[-1].isalnum() or new[-1] in _PUNCT)
    ):
        new += " "
    if new[-1] in ",:" or (new[-1].isalnum() and rest[:1].isalpha()):
        m = re.match(r"[ \t]*[^\W\d_]+", after)
        if m and not rest.startswith("\n"):
            word = after[: m.end()]
            lowered = _decapitalise(word.lstrip(" \t"))
            if new[-1].isalnum() and not _at_sentence_start(text, e):
                lowered = word.lstrip(" \t")
            new_word = word[: len(word) - len(word.lstrip(" \t"))] + lowered
            if new_word != word:
                return Edit(s, e + m.end(), new + new_word)
    if new[-1] in ".!?;" and rest[:1].islower() and not rest.startswith("\n"):
        m = re.match(r"[ \t]*[^\W\d_]", after)
        if m:
            return Edit(s, e + m.end(), new + _capitalise(after[: m.end()]))
    return Edit(s, e, new)


def plan(text: str, hint: ToneHint, alternative: int = 0, *, rule: ToneRule | None = None) -> Edit | None:
    """The edit that puts alternative number ``alternative`` of the hint's suggestion into the text,
    or None when that alternative is advice rather than wording (or does not fit here)."""
    if rule is not None and rule.language == "el" and _is_latin(hint.matched) and not is_greek(text):
        # Greeklish: the fits read Greek context, so only whole clauses and sentences are rewritten,
        # in Latin letters (ELOT 743) like the rest of the reply
        wording = (
            hint.suggestion.split(" / ")[alternative].strip()
            if alternative < len(hint.suggestion.split(" / "))
            else ""
        )
        if fit_of(rule, wording) not in ("sentence", "clause", "lead"):
            return None
        edit = _plan(text, hint, alternative, dataclasses.replace(rule, fits=()))
        return None if edit is None else Edit(edit.start, edit.end, to_latin(edit.text))
    return _plan(text, hint, alternative, rule)


def _is_latin(words: str) -> bool:
    return bool(_LETTER_RE.search(words)) and not re.search("[\u0370-\u03ff\u1f00-\u1fff]", words)


def _plan(text: str, hint: ToneHint, alternative: int, rule: ToneRule | None) -> Edit | None:
    alternatives = [a.strip() for a in hint.suggestion.split(" / ")]
    if not 0 <= alternative < len(alternatives):
        return None
    wording = alternatives[alternative]
    start, end = hint.start, hint.end
    for fit in rule.fits if rule is not None else ():
        if fit.alt != alternative:
            continue
        found = _fit_text(text, start, end, fit)
        if found is None:
            continue
        s, e, wording = found
        mode = fit.mode or "words"
        s, e, new = _mode_span(text, s, e, mode, wording)
        return _seams(text, s, e, new)
    mode = fit_of(rule, wording)
    if mode == "advice" or _is_template(wording):
        return None
    s, e, new = _mode_span(text, start, end, mode, wording)
    return _seams(text, s, e, new)


def edits_for(text: str, hint: ToneHint, *, rule: ToneRule | None = None, limit: int = 6) -> list[Edit]:
    """Every alternative of the hint that can be put into the text, as edits, distinct results only."""
    out: list[Edit] = []
    seen: set[str] = set()
    for i in range(len(hint.suggestion.split(" / "))):
        edit = plan(text, hint, i, rule=rule)
        if edit is None:
            continue
        result = apply_edit(text, edit)
        if result != text and result not in seen:
            seen.add(result)
            out.append(edit)
    return out[:limit]


def apply_suggestion(
    text: str, hint: ToneHint, alternative: int = 0, *, rules: CompiledRules | None = None
) -> str:
    """The text with the hint's suggestion applied (unchanged when the suggestion is only advice)."""
    edit = plan(text, hint, alternative, rule=rule_for(hint.rule_id, rules))
    return text if edit is None else apply_edit(text, edit)


def fix_all(
    text: str,
    *,
    language: str | None = None,
    formal: bool = True,
    rules: CompiledRules | None = None,
    only: Iterable[str] | None = None,
    max_steps: int = 20,
) -> str:
    """Apply the first suggestion of each hint in turn, re-checking after each, as an agent clicking
    through the tone box would (only the rule ids in ``only``, when given)."""
    wanted = set(only) if only is not None else None
    skipped: set[tuple[str, str]] = set()
    for _ in range(max_steps):
        hints = [
            h
            for h in check_tone(text, language=language, formal=formal, rules=rules)
            if (wanted is None or h.rule_id in wanted) and (h.rule_id, h.matched) not in skipped
        ]
        for hint in hints:
            edits = edits_for(text, hint, rule=rule_for(hint.rule_id, rules))
            if edits:
                text = apply_edit(text, edits[0])
                break
            skipped.add((hint.rule_id, hint.matched))
        else:
            return text
    return text
