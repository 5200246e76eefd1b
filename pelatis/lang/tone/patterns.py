"""The pattern language of tone rules (see pelatis.lang.tone) compiled to regexes over folded text and
over Greeklish keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pelatis.lang.fold import is_greek
from pelatis.lang.greeklish import greek_key, query_keys
from pelatis.lang.tone.folding import _APOSTROPHES, _DASHES, _char_fold
from pelatis.lang.tone.rules import _PREFIXES, MAX_GAP_WORDS

_TOKEN_RE = re.compile(r"\s+|[()\[\]{}|]|[^\s()\[\]{}|]+")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_GAP_TOKENS = ("...", "…")
_GAP_RE = rf"(?:[^\s.,!?;·]+\s+){{0,{MAX_GAP_WORDS}}}?"
_KEY_GAP_RE = rf"(?:[a-z0-9]+ ){{0,{MAX_GAP_WORDS}}}?"
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
