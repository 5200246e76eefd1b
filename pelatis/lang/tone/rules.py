"""Tone rules as data: the categories and limits, the rule, fit and hint records, the shipped rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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

_DATA = Path(__file__).resolve().parent.parent / "data" / "tone_rules.json"
_PREFIXES = ("re:", "raw:", "missing-start:", "missing-end:")  # pattern kinds other than plain words


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


@lru_cache(maxsize=1)
def _default_rule_tuple() -> tuple[ToneRule, ...]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(_rule_from_json(item) for item in data["rules"])


def _rule_from_json(item: dict[str, Any]) -> ToneRule:
    fields = dict(item)
    fits = tuple(ToneFit(**fit) for fit in fields.pop("fits", None) or ())
    return ToneRule(**fields, fits=fits)


def default_rules() -> list[ToneRule]:
    """The shipped Greek and English rules (data/tone_rules.json), read once."""
    return list(_default_rule_tuple())
