"""Reply tone checker: flags blaming, imperative, over-casual, jargon, negative and shouting wording.

Rules (data/tone_rules.json, or a manager's own from the database) pair a pattern with a message and
an agreed suggestion. The pattern language, matched on folded text (fold() per character: no
accents, casefolded, σ for ς; offsets stay mapped to the original text):

    χρωστατε            a word; case, accents and final sigma do not matter
    χρωστ*  *ετε        * inside a word: any further letters (inflected endings, suffixes)
    δικο σας λαθος      a phrase: the words in this order, separated by whitespace only
    σου|εσυ             alternatives, anywhere
    (ειπα|ειπαμε) ηδη   a group of alternatives, separated from neighbouring words by spaces
    σας [το] ειπα       [ ... ] an optional word or group
    {δεν|μην} φταιτε    { ... } first: not right after these words; last: not right before them
    οφειλετε {να}       (the words before must be plain: no *, groups or optional parts)
    μην ... ξανα*       ... (or …): up to three other words in between, within one clause
    follow-up  can't    - matches a hyphen, a space or nothing; ' inside a word is optional (at its
    ok?                 end it is not: στειλ'); ? and ; both mean a question mark; other punctuation
                        is literal
    re:<regex>          a Python regex on the folded text (lowercase, no accents, σ for ς, ’ as ',
                        line breaks kept); one that starts with (?<!\\w) is only tried at word starts
    raw:<regex>         a Python regex on the original text (accent- and case-sensitive)
    missing-start:<p>   hint when plain pattern p is absent from the start of a longer reply
    missing-end:<p>     ... or from its end (greeting / closing checks)
    @caps               built-in ALL-CAPS detector (short acronyms such as ΑΦΜ, IBAN, SMS do not count)
    @curt               built-in: a whole reply of a few words with no greeting, thanks or closing
                        («Όχι.», "No."); a Greek rule fires on Greek and Greeklish, others on the rest

Words match whole words: a pattern word never matches inside a longer word unless * allows it.
Plain patterns are the ones managers should write; re: and raw: are for the few rules that need
more (the shipped rules use them for context such as "δεν γίνεται" only where a clause ends).
Each language's rules are compiled into one combined regex per pass, so a check costs a handful
of regex scans however many rules there are. Greeklish replies are matched too: plain Greek
patterns are also compiled to the phonetic keys of pelatis.lang.greeklish.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pelatis.lang.detect import detect_language
from pelatis.lang.fold import fold, is_greek
from pelatis.lang.greeklish import _greek_word_keys, _latin_keys_ranked, greek_key, is_greeklish, query_keys

__all__ = [
    "CATEGORIES",
    "CompiledRules",
    "ToneFit",
    "ToneHint",
    "ToneRule",
    "check_tone",
    "compile_rules",
    "default_rules",
    "rule_for",
    "validate_pattern",
]

LANGUAGES = ("el", "en", "*")
CATEGORIES = ("blaming", "imperative", "casual", "jargon", "negative", "shouting", "address", "structure")
SEVERITIES = ("warn", "hint")
MAX_GAP_WORDS = 3  # what "..." may skip
STRUCTURE_MIN_WORDS = 25  # shorter replies (chat lines, a reply being started) get no greeting/closing hints
OPENING_CHARS = 160  # where a greeting must appear ...
CLOSING_CHARS = 260  # ... and a closing
ACRONYM_MAX = 4  # ALL-CAPS words this short are taken for acronyms (ΑΦΜ, IBAN, SMS, ΚΤΕΟ)
CURT_MAX_WORDS = 4  # a whole reply this short that says no, with no greeting or closing, reads as curt
CURT_PLAIN_WORDS = 3  # ... and one this short whatever it says («Ναι.», «Εντάξει, έγινε.»)
DETECT_CHARS = 600  # language ID reads this much: plenty, and it keeps live checks fast

_DATA = Path(__file__).resolve().parent / "data" / "tone_rules.json"


@dataclass(frozen=True)
class ToneFit:
    """How a suggestion is fitted to its context (pelatis.lang.tone_apply): regexes on folded text."""

    text: str
    before: str = ""
    match: str = ""
    after: str = ""
    mode: str = ""  # 'words' when empty
    alt: int = 0  # which alternative of the suggestion (split on " / ") this fit serves


@dataclass(frozen=True)
class ToneRule:
    id: str
    language: str  # 'el' | 'en' | '*'
    category: str  # one of CATEGORIES
    pattern: str  # see the module docstring
    message: str  # why, in the rule's language
    suggestion: str  # the agreed wording
    severity: str  # 'warn' | 'hint'
    formal_only: bool = False  # only when the customer is addressed formally (πληθυντικός ευγενείας)
    fit: str = ""  # how the suggestion goes into the text (tone_apply.FITS); empty: from its punctuation
    fits: tuple[ToneFit, ...] = ()  # context-specific wordings, tried in order
    unless_after: str = (
        ""  # a regex on the folded rest of the sentence and the next one that silences the hint
    )


@dataclass(frozen=True)
class ToneHint:
    rule_id: str
    category: str
    severity: str
    start: int  # offsets into the original text, for underlining
    end: int
    matched: str
    message: str
    suggestion: str


# --- folding with an offset map ------------------------------------------------------------------

_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"


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


# --- the pattern language -------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\s+|[()\[\]{}|]|[^\s()\[\]{}|]+")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_GAP_TOKENS = ("...", "…")
_GAP_RE = rf"(?:[^\s.,!?;·]+\s+){{0,{MAX_GAP_WORDS}}}?"
_KEY_GAP_RE = rf"(?:[a-z0-9]+ ){{0,{MAX_GAP_WORDS}}}?"
_PREFIXES = ("re:", "raw:", "missing-start:", "missing-end:")
_BUILTINS = ("@caps", "@curt")


class _PatternError(ValueError):
    pass


@dataclass(frozen=True)
class _Element:
    kind: str  # 'word' | 'group' | 'gap' | 'not-after' | 'not-before' ({...} first or last)
    word: str = ""
    alternatives: tuple[tuple[_Element, ...], ...] = ()
    optional: bool = False


def _parse(pattern: str) -> tuple[tuple[_Element, ...], ...]:
    """Parse a plain pattern into alternatives of element sequences."""
    tokens = _TOKEN_RE.findall(pattern)
    pos = 0

    def alternation(closer: str) -> tuple[tuple[_Element, ...], ...]:
        nonlocal pos
        alts: list[list[_Element]] = [[]]
        prev = " "  # the token before: a group may not touch a word
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == "|":
                alts.append([])
            elif tok in ")]}":
                if tok != closer:
                    raise _PatternError(f"unexpected {tok!r}")
                return _check_alternatives(alts)
            elif tok in _OPENERS:
                if not prev.isspace() and prev not in "|([{":
                    raise _PatternError("put a space between a word and a group")
                inner = alternation(_OPENERS[tok])
                kind = "context" if tok == "{" else "group"
                alts[-1].append(_Element(kind, alternatives=inner, optional=tok == "["))
            elif tok.isspace():
                pass
            elif tok in _GAP_TOKENS:
                alts[-1].append(_Element("gap"))
            else:
                if prev in ")]}":
                    raise _PatternError("put a space between a group and a word")
                alts[-1].append(_Element("word", word=tok))
            prev = tok
        if closer:
            raise _PatternError(f"missing {closer!r}")
        return _check_alternatives(alts)

    return alternation("")


def _check_alternatives(alts: list[list[_Element]]) -> tuple[tuple[_Element, ...], ...]:
    for seq in alts:
        if not seq:
            raise _PatternError("empty alternative (a stray | or empty brackets)")
        for i, el in enumerate(seq):
            if el.kind != "context":
                continue
            if i == 0 and len(seq) > 1:
                seq[i] = _Element("not-after", alternatives=el.alternatives)
                for inner in el.alternatives:
                    if any(w.kind != "word" or w.optional or re.search(r"[*?;\-]", w.word) for w in inner):
                        raise _PatternError(
                            "{...} before the words takes plain words only (no *, -, ?, groups)"
                        )
            elif i == len(seq) - 1 and len(seq) > 1:
                seq[i] = _Element("not-before", alternatives=el.alternatives)
            else:
                raise _PatternError("{...} goes first (not right after) or last (not right before)")
        required = [i for i, el in enumerate(seq) if el.kind in ("word", "group") and not el.optional]
        if not required:
            raise _PatternError("every alternative needs at least one word that is not optional")
        for i, el in enumerate(seq):
            if el.kind == "gap" and not (required[0] < i < required[-1]):
                raise _PatternError("... must stand between two required words")
            if el.kind == "gap" and seq[i - 1].kind == "gap":
                raise _PatternError("two ... in a row")
        for el in seq:
            if el.kind == "word" and not re.search(r"[^*'\-]", el.word):
                raise _PatternError(f"{el.word!r} has no letters: use ... to skip words")
    return tuple(tuple(seq) for seq in alts)


# An alternative that _literal_first() wrote: one plain character, the word-start lookbehind, the rest.
_LITERAL_FIRST_RE = re.compile(r"(\w)(\(\?<!(?:\\w|\[a-z0-9\])\.\))(.*)", re.DOTALL)


def _literal_first(literal: str, boundary: str) -> str:
    """literal at a word start, written so the literal's first character is the regex's first operation.

    Python's regex engine skips a branch of an alternation after one character comparison when the
    branch starts with a literal, and not when it starts with a lookbehind: with a few hundred
    alternatives this is the difference between 20 ms and well under 1 ms for a long reply.
    """
    return re.escape(literal[0]) + f"(?<!{boundary}.)" + re.escape(literal[1:])


def _word_regex(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ch == "*":
            out.append(r"\w*")
        elif ch in "'" + _APOSTROPHES:
            out.append("'?" if i < len(word) - 1 else "'")  # can't / cant, but στειλ' is an elision
        elif ch in "-" + _DASHES:
            out.append(r"[-\s]?")
        elif ch in "?;\u037e":
            out.append(r"\s?[?;]" if i and word[i - 1].isalnum() else "[?;]")
        else:
            out.append(re.escape(_char_fold(ch)))
    if word[0].isalnum() and len(_char_fold(word[0])) == 1:
        body = _literal_first(_char_fold(word[0]), r"\w") + "".join(out[1:])
    elif word[0].isalnum() or word[0] == "*":
        body = r"(?<!\w)" + "".join(out)
    else:
        body = "".join(out)
    if word[-1].isalnum() or word[-1] == "*":
        body += r"(?!\w)"
    return body


def _key_word_regex(word: str) -> str | None:
    """The word as a regex over Greeklish keys, or None when it is not a Greek word."""
    letters = "".join(_char_fold(ch) if ch != "*" else "*" for ch in word if ch.isalpha() or ch == "*")
    if not letters.strip("*") or not all(is_greek(p) for p in letters.split("*") if p):
        return None
    parts = letters.split("*")
    out = [] if parts[0] else [r"(?<![a-z0-9])"]
    for i, part in enumerate(parts):
        if i:
            out.append("[a-z0-9]*")
        if not part:
            continue
        # A prefix before * may end inside a digraph (λαθο* must reach λαθους = "lathus").
        keys = query_keys(part) if i < len(parts) - 1 else frozenset((greek_key(part),))
        ordered = sorted((k for k in keys if k), key=lambda k: (-len(k), k))
        if not ordered:
            return None
        if i == 0 and len({k[0] for k in ordered}) == 1:  # the usual case: λαθο* → latho|lath
            rests = [re.escape(k[1:]) for k in ordered]
            rest = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
            out.append(_literal_first(ordered[0][0], "[a-z0-9]") + rest)
        elif i == 0:
            out.append("(?:" + "|".join(_literal_first(k, "[a-z0-9]") for k in ordered) + ")")
        else:
            out.append(ordered[0] if len(ordered) == 1 else "(?:" + "|".join(map(re.escape, ordered)) + ")")
    return "".join(out) + "(?![a-z0-9])"


def _sequence_regex(
    seq: tuple[_Element, ...], word_rx: Callable[[str], str | None], sep: str, gap: str
) -> str | None:
    """One alternative as a regex; optional words carry their own separator so none is doubled."""
    last = max(i for i, el in enumerate(seq) if el.kind in ("word", "group") and not el.optional)
    out = []
    behind: list[str] | None = None
    for i, el in enumerate(seq):
        if el.kind == "gap":
            out.append(gap)
            continue
        if el.kind == "not-after":
            behind = _lookbehinds(el.alternatives, word_rx is _key_word_regex)
            if behind is None:
                return None
            continue
        if el.kind == "not-before":
            aheads = [_sequence_regex(alt, word_rx, sep, gap) for alt in el.alternatives]
            if None in aheads:
                return None  # leaving a condition out would widen the pattern
            out.append(f"(?!{sep}(?:{'|'.join(a for a in aheads if a)}))")
            continue
        rx = word_rx(el.word) if el.kind == "word" else _group_regex(el.alternatives, word_rx, sep, gap)
        if rx is None:
            return None
        if behind is not None:  # {...} context: after the first letter, so the branch stays literal-first
            m = _LITERAL_FIRST_RE.match(rx)
            if m:
                rx = m.group(1) + m.group(2) + "".join(f"(?<!{b}{m.group(1)})" for b in behind) + m.group(3)
            else:
                rx = "".join(f"(?<!{b})" for b in behind) + rx
            behind = None
        if i < last:
            out.append(f"(?:{rx}{sep})?" if el.optional else f"{rx}{sep}")
        elif i == last:
            out.append(rx)
        else:
            out.append(f"(?:{sep}{rx})?")
    return "".join(out)


def _group_regex(
    alts: tuple[tuple[_Element, ...], ...], word_rx: Callable[[str], str | None], sep: str, gap: str
) -> str | None:
    # An alternative that cannot be expressed (a Latin word in the Greeklish key form) is left out:
    # the pattern only gets narrower.
    parts = [p for seq in alts if (p := _sequence_regex(seq, word_rx, sep, gap)) is not None]
    return "(?:" + "|".join(parts) + ")" if parts else None


def _lookbehinds(alts: tuple[tuple[_Element, ...], ...], keyed: bool) -> list[str] | None:
    """{δεν|μην} before the words: each phrase with its separator, for fixed-width negative lookbehinds."""
    out = []
    for seq in alts:
        if keyed:
            keys = [greek_key(el.word) if is_greek(el.word) else "" for el in seq]
            if not all(keys):
                return None  # leaving the condition out would widen the pattern
            out.append(re.escape(" ".join(keys)) + " ")
        else:
            out.append(r"\s".join(re.escape("".join(map(_char_fold, el.word))) for el in seq) + r"\s")
    return out


def _expand_heads(
    alts: tuple[tuple[_Element, ...], ...], limit: int = 64
) -> tuple[tuple[_Element, ...], ...]:
    """Lift a leading group or optional part into top-level alternatives: (σας|σου) το → σας το | σου το.

    Every alternative then starts with a literal word, which the combined regex can reject cheaply.
    """
    out: list[tuple[_Element, ...]] = []
    pending = list(alts)
    while pending:
        seq = pending.pop(0)
        head = 1 if seq[0].kind == "not-after" else 0
        el = seq[head]
        if el.kind != "group" or len(out) + len(pending) > limit:
            out.append(seq)
            continue
        prefix, rest = seq[:head], seq[head + 1 :]
        expanded = [prefix + alt + rest for alt in el.alternatives]
        if el.optional and any(x.kind in ("word", "group") and not x.optional for x in rest):
            expanded.append(prefix + rest)
        pending[:0] = expanded
    return tuple(out)


def _starts_with_word(seq: tuple[_Element, ...]) -> bool:
    """True when every match of the sequence begins at the start of a word."""
    for el in seq:
        if el.kind in ("not-after", "not-before"):
            continue
        if el.kind == "word":
            ok = el.word[0].isalnum() or el.word[0] == "*"
        elif el.kind == "group":
            ok = all(_starts_with_word(alt) for alt in el.alternatives)
        else:
            ok = False
        if not ok:
            return False
        if not el.optional:
            return True
    return True


@dataclass(frozen=True)
class _Pattern:
    kind: str  # 'fold' | 'raw' | 'missing-start' | 'missing-end' | 'builtin'
    alternatives: tuple[tuple[str, bool], ...]  # regex source of each top-level alternative, word start?
    regex: re.Pattern[str] | None  # all alternatives, compiled on their own
    embeddable: bool  # may join a combined regex (no backreferences, named groups or global flags)
    key_alternatives: tuple[str, ...]  # the same over Greeklish keys (plain Greek patterns only)


_BACKREF_RE = re.compile(r"\\[1-9]|\(\?P=|\\g<")


def _compile_pattern(pattern: str) -> _Pattern:
    """Parse and compile one pattern; raises _PatternError with a message for the rule editor."""
    pattern = pattern.strip()
    if not pattern:
        raise _PatternError("empty pattern")
    if pattern in _BUILTINS:
        return _Pattern("builtin", ((pattern, False),), None, False, ())
    if pattern.startswith("@"):
        raise _PatternError(f"unknown built-in {pattern!r} (known: {', '.join(_BUILTINS)})")
    kind, body = "fold", pattern
    for prefix in _PREFIXES:
        if pattern.startswith(prefix):
            kind, body = prefix[:-1], pattern[len(prefix) :].strip()
            break
    if not body:
        raise _PatternError("empty pattern")
    keys: tuple[str, ...] = ()
    if kind in ("re", "raw"):
        # A regex that opens with (?<!\w) is only tried at word starts, like plain patterns: much faster.
        alternatives: tuple[tuple[str, bool], ...] = ((body, body.startswith(r"(?<!\w)")),)
        kind = "fold" if kind == "re" else "raw"
    else:
        parsed = _expand_heads(_parse(body))
        alternatives = tuple(
            (_sequence_regex(seq, _word_regex, r"\s+", _GAP_RE) or "", _starts_with_word(seq))
            for seq in parsed
        )
        keyed = (_sequence_regex(seq, _key_word_regex, " ", _KEY_GAP_RE) for seq in parsed)
        keys = tuple(k for k in keyed if k)
    source = "|".join(alt for alt, _ in alternatives)
    try:
        regex = re.compile(source)
    except re.error as exc:
        raise _PatternError(f"invalid regular expression: {exc}") from None
    if regex.match("") is not None:
        raise _PatternError("the pattern matches an empty text")
    embeddable = not regex.groupindex and not _BACKREF_RE.search(source)
    if embeddable:
        try:
            re.compile(f"(?:x)|(?:{source})")
        except re.error:  # a global flag such as (?i) that only works at the very start
            embeddable = False
    return _Pattern(kind, alternatives, regex, embeddable, keys)


def validate_pattern(pattern: str) -> str | None:
    """Why pattern is not valid, for the rule editor form, or None when it is."""
    try:
        _compile_pattern(pattern)
    except _PatternError as exc:
        return str(exc)
    return None


# --- compiled rule sets ---------------------------------------------------------------------------


def _weight(source: str) -> int:
    """Literal letters in a regex source: the more, the more specific the alternative."""
    return len(re.findall(r"[^\W\d_]", re.sub(r"\\.", "", source)))


@dataclass(frozen=True)
class _Pass:
    """One scan of a text: rules starting at word starts, other rules, and rules that must run alone."""

    word: re.Pattern[str] | None
    free: re.Pattern[str] | None
    names: dict[str, int]  # marker group → rule index
    solo: tuple[tuple[int, re.Pattern[str]], ...]

    def matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(rule index, start, end) of every non-empty match."""
        for combined in (self.word, self.free):
            if combined is not None:
                for m in combined.finditer(text):
                    if m.end() > m.start() and m.lastgroup:
                        yield self.names[m.lastgroup], m.start(), m.end()
        for index, regex in self.solo:
            for m in regex.finditer(text):
                if m.end() > m.start():
                    yield index, m.start(), m.end()


def _make_pass(items: list[tuple[int, int, tuple[tuple[str, bool], ...], re.Pattern[str] | None]]) -> _Pass:
    """Combine (rule index, severity rank, alternatives, regex if it must run alone) into one scan.

    Each alternative ends in an empty marker group naming its rule, so no group wraps a branch.
    Alternatives that start at a word start share one lookbehind and are grouped by their first
    letter, so at most positions the engine rejects everything after one or two comparisons. At
    one position the first branch that matches wins: warnings first, then the most specific
    alternative (most literal letters), then the rule order.
    """
    word: list[tuple[int, int, int, str, str]] = []
    free: list[tuple[int, int, int, str, str]] = []
    names: dict[str, int] = {}
    solo = []
    for index, rank, alternatives, alone in items:
        if alone is not None:
            solo.append((index, alone))
            continue
        for k, (alt, word_start) in enumerate(alternatives):
            name = f"r{index}_{k}"
            names[name] = index
            (word if word_start else free).append((rank, -_weight(alt), index, alt, name))
    word.sort()
    free.sort()
    branches: list[str] = []
    for _, group in itertools.groupby(word, key=lambda item: item[0]):
        trie: dict[str, list[str]] = {}
        others: list[str] = []
        for *_, alt, name in group:
            m = _LITERAL_FIRST_RE.match(alt)
            if m:
                trie.setdefault(m.group(1), []).append(f"{m.group(3)}(?P<{name}>)")
            else:
                others.append(f"(?:{alt})(?P<{name}>)")
        branches.extend(f"{ch}(?:{'|'.join(rests)})" for ch, rests in trie.items())
        branches.extend(others)
    word_rx = re.compile(r"(?<!\w)(?:" + "|".join(branches) + ")") if branches else None
    free_rx = re.compile("|".join(f"(?:{alt})(?P<{name}>)" for *_, alt, name in free)) if free else None
    return _Pass(word_rx, free_rx, names, tuple(solo))


@dataclass(frozen=True)
class _Profile:
    folded: _Pass
    raw: _Pass
    keys: _Pass
    structure: tuple[int, ...]
    builtins: tuple[int, ...]


class CompiledRules:
    """A validated rule set; the combined regexes for each language and address mix are built on first use."""

    def __init__(self, rules: tuple[ToneRule, ...], patterns: tuple[_Pattern, ...]) -> None:
        self.rules = rules
        self.by_id = {rule.id: rule for rule in rules}
        self._patterns = patterns
        self._profiles: dict[tuple[frozenset[str], bool], _Profile] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.rules)

    def _profile(self, languages: frozenset[str], formal: bool) -> _Profile:
        key = (languages, formal)
        profile = self._profiles.get(key)
        if profile is None:
            with self._lock:
                profile = self._profiles.get(key) or self._build(languages, formal)
                self._profiles[key] = profile
        return profile

    def _build(self, languages: frozenset[str], formal: bool) -> _Profile:
        rules, pats = self.rules, self._patterns
        wanted = [
            i
            for i, rule in enumerate(rules)
            if (rule.language == "*" or rule.language in languages) and (formal or not rule.formal_only)
        ]

        def items(kind: str) -> list[tuple[int, int, tuple[tuple[str, bool], ...], re.Pattern[str] | None]]:
            return [
                (
                    i,
                    SEVERITIES.index(rules[i].severity),
                    pats[i].alternatives,
                    None if pats[i].embeddable else pats[i].regex,
                )
                for i in wanted
                if pats[i].kind == kind
            ]

        # Keys are ASCII letters and digits, so \w is the same boundary there as in folded text.
        keyed = [
            (
                i,
                SEVERITIES.index(rules[i].severity),
                tuple((alt, True) for alt in pats[i].key_alternatives),
                None,
            )
            for i in wanted
            if rules[i].language == "el" and pats[i].kind == "fold" and pats[i].key_alternatives
        ]
        return _Profile(
            folded=_make_pass(items("fold")),
            raw=_make_pass(items("raw")),
            keys=_make_pass(keyed),
            structure=tuple(i for i in wanted if pats[i].kind.startswith("missing-")),
            builtins=tuple(i for i in wanted if pats[i].kind == "builtin"),
        )


def _check_rule(rule: ToneRule) -> None:
    if not rule.id:
        raise ValueError("a tone rule needs an id")
    for name, value, allowed in (
        ("language", rule.language, LANGUAGES),
        ("category", rule.category, CATEGORIES),
        ("severity", rule.severity, SEVERITIES),
    ):
        if value not in allowed:
            raise ValueError(f"tone rule {rule.id!r}: {name} {value!r} is not one of {', '.join(allowed)}")


def compile_rules(rules: Iterable[ToneRule]) -> CompiledRules:
    """Validate and compile rules; a later rule with the id of an earlier one replaces it."""
    by_id: dict[str, ToneRule] = {}
    for rule in rules:
        _check_rule(rule)
        by_id[rule.id] = rule  # keeps the position of the rule it replaces
    patterns = []
    for rule in by_id.values():
        try:
            patterns.append(_compile_pattern(rule.pattern))
        except _PatternError as exc:
            raise ValueError(f"tone rule {rule.id!r}: {exc}") from None
    return CompiledRules(tuple(by_id.values()), tuple(patterns))


@lru_cache(maxsize=1)
def _default_rule_tuple() -> tuple[ToneRule, ...]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(_rule_from_json(item) for item in data["rules"])


def _rule_from_json(item: dict[str, object]) -> ToneRule:
    fits = tuple(ToneFit(**fit) for fit in item.pop("fits", None) or ())  # type: ignore[arg-type, attr-defined]
    return ToneRule(**item, fits=fits)  # type: ignore[arg-type]


def rule_for(rule_id: str, rules: CompiledRules | None = None) -> ToneRule | None:
    """The rule with this id in a compiled set (the shipped rules when None)."""
    compiled = rules if rules is not None else _default_compiled()
    return compiled.by_id.get(rule_id)


def default_rules() -> list[ToneRule]:
    """The shipped Greek and English rules (data/tone_rules.json), read once."""
    return list(_default_rule_tuple())


@lru_cache(maxsize=1)
def _default_compiled() -> CompiledRules:
    return compile_rules(_default_rule_tuple())


# --- checking -------------------------------------------------------------------------------------

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0386\u0388-\u038f\u0391-\u03a1\u03a3-\u03ab"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u03ac-\u03ce"
_CAPS_RUN_RE = re.compile(
    rf"(?<![^\W\d_])[{_UPPER}]{{2,}}(?:[ \t,'’-]+(?:[0-9€%/]+[ \t,'’-]+)*[{_UPPER}]{{2,}})*(?![^\W\d_])"
)
_CAPS_WORD_RE = re.compile(rf"[{_UPPER}]+")
_LOWER_RE = re.compile(f"[{_LOWER}]")
_WORD_RE = re.compile(r"[^\W_]+")
_GREEK_LETTER_RE = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
_SOFT_BETWEEN = " \t\r\n\u00a0'’-"  # between two words of one phrase


def _caps_spans(text: str) -> Iterator[tuple[int, int]]:
    """ALL-CAPS shouting: three capitalised words inside a sentence, two before a !, or six anywhere.

    A line that is all capitals and short (a signature such as ΞΕΝΟΔΟΧΕΙΟ ΑΡΙΑΔΝΗ) is not shouting;
    single capitalised words are usually acronyms (ΑΦΜ, IBAN).
    """
    for m in _CAPS_RUN_RE.finditer(text):
        n_words = len(_CAPS_WORD_RE.findall(m.group()))
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        exclaimed = text[m.end() : m.end() + 2].lstrip().startswith("!")
        letters = sum(len(w) for w in _CAPS_WORD_RE.findall(m.group()))
        caps_words = _CAPS_WORD_RE.findall(m.group())
        if all(len(w) <= ACRONYM_MAX for w in caps_words) and n_words < 4:
            continue  # «ΑΦΜ, IBAN», "SMS OK": acronyms side by side
        folded_words = {fold(w) for w in caps_words}
        if folded_words & _COMPANY_FORMS:
            continue  # «ΑΦΟΙ ΠΑΠΑΔΟΠΟΥΛΟΙ ΟΕ»: a registered name
        if n_words >= 2 and letters >= 8 and folded_words & _SHOUTED_WORDS and _LOWER_RE.search(line):
            yield m.start(), m.end()  # «ΜΗΝ ΚΑΛΕΙΤΕ μετά τις 10», "ONLY ONCE"
            continue
        ended = re.match(r"[ \t]*[.!?;…]", text[m.end() :]) is not None
        alone = line.strip() == text.strip()
        if (
            n_words >= 6
            or (n_words >= 3 and letters >= 10 and (_LOWER_RE.search(line) or ended or alone))
            or (n_words >= 2 and exclaimed)
            or (letters >= 4 and exclaimed and _LOWER_RE.search(line))
        ):
            yield m.start(), m.end()


_COMPANY_FORMS = frozenset(("αε", "οε", "εε", "επε", "ικε", "αφοι", "ltd", "llc", "inc", "gmbh", "plc"))
_SHOUTED_WORDS = frozenset(
    (
        "μην",
        "μη",
        "δεν",
        "δε",
        "μονο",
        "ποτε",
        "οχι",
        "πρεπει",
        "αμεσωσ",
        "οπωσδηποτε",
        "not",
        "never",
        "only",
        "must",
        "don't",
        "dont",
        "do",
        "no",
        "now",
        "immediately",
    )
)
_SENTENCE_RE = re.compile(r"[^\s.!?;,:\n][^.!?;\n]*[.!?;,:]*")


def _structure_span(text: str, at_start: bool) -> tuple[int, int]:
    """Where a greeting or closing hint is shown: the first or the last sentence (or line) of the text."""
    sentences = list(_SENTENCE_RE.finditer(text))
    if not sentences:
        return 0, len(text)
    m = sentences[0] if at_start else sentences[-1]
    return m.start(), m.start() + len(m.group().rstrip())


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


_POLITE_WORDS_RE = re.compile(
    r"(?<!\w)(?:καλημερα|καλησπερα|καλησπερα|γεια|χαιρετ\w*|αγαπητ\w*|αξιοτιμ\w*|κυρι\w+|κ\.|ευχαριστ\w*|"
    r"παρακαλ\w*|συγγνωμη|λυπουμαστε|λυπαμαι|εκτιμηση|kalimera|kalispera|geia|efharist\w*|eyxarist\w*|euxarist\w*|"
    r"parakal\w*|dear|hello|hi|good (?:morning|afternoon|evening|day)|thank\w*|please|sorry|apologi\w*|regards|"
    r"welcome|cheers|best|sincerely)(?!\w)"
)


_NEGATION_RE = re.compile(
    r"(?<!\w)(?:οχι|δεν|δε|μην|ουτε|ποτε|αδυνατο\w*|αποκλειεται|no|not|nope|never|can't|cannot|cant|won't|don't|"
    r"impossible|ohi|oxi|den|min|pote)(?!\w)"
)


def _is_curt(text: str, language: str, greeklish: bool) -> bool:
    """A whole reply of CURT_MAX_WORDS words or fewer, one line, with no greeting, thanks or closing."""
    stripped = text.strip()
    n_words = len(_WORD_RE.findall(stripped))
    if not 0 < n_words <= CURT_MAX_WORDS or "\n" in stripped:
        return False
    folded = fold(stripped)
    if _POLITE_WORDS_RE.search(folded) or (n_words > CURT_PLAIN_WORDS and not _NEGATION_RE.search(folded)):
        return False
    greek = is_greek(stripped) or greeklish
    return greek if language == "el" else not greek


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
