"""Compiled rule sets: each language and address mix's rules combined into a few regex scans."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pelatis.lang.tone.patterns import _LITERAL_FIRST_RE, _compile_pattern, _Pattern, _PatternError
from pelatis.lang.tone.rules import CATEGORIES, LANGUAGES, SEVERITIES, ToneRule, _default_rule_tuple


def _weight(source: str) -> int:
    """Literal letters in a regex source: the more, the more specific the alternative."""
    return len(re.findall(r"[^\W\d_]", re.sub(r"\\.", "", source)))


# (rule index, severity rank, alternatives as (regex source, starts at a word start), regex if it must run alone)
_PassItem = tuple[int, int, tuple[tuple[str, bool], ...], re.Pattern[str] | None]


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


def _make_pass(items: list[_PassItem]) -> _Pass:
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

        def items(kind: str) -> list[_PassItem]:
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
        keyed: list[_PassItem] = [
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


def rule_for(rule_id: str, rules: CompiledRules | None = None) -> ToneRule | None:
    """The rule with this id in a compiled set (the shipped rules when None)."""
    compiled = rules if rules is not None else _default_compiled()
    return compiled.by_id.get(rule_id)


@lru_cache(maxsize=1)
def _default_compiled() -> CompiledRules:
    return compile_rules(_default_rule_tuple())
