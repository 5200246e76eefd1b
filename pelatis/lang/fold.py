"""Search normalisation: accent-, case- and sigma-insensitive folding of Greek and Latin text."""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = ["fold", "is_greek", "words"]


def _mark_table() -> dict[int, str | None]:
    """Translate table deleting every nonspacing/enclosing mark plus a few invisible or stray characters."""
    planes = itertools.chain(range(0x0300, 0x20000), range(0xE0100, 0xE01F0))
    table: dict[int, str | None] = {
        cp: None for cp in planes if unicodedata.category(chr(cp)) in ("Mn", "Me")
    }
    for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x0384, 0x0385):
        table[cp] = None  # soft hyphen, zero-width characters, spacing tonos/dialytika
    table[0x03F2] = "σ"  # lunate sigma has no case folding of its own
    table[0x037E] = ";"  # Greek question mark (NFD already does this; kept for clarity)
    table[0x0387] = "·"  # ano teleia → middle dot
    return table


_MARKS = _mark_table()

# Look-alike letters, in casefolded form (mostly from the capitals: A/Α, P/Ρ, H/Η, X/Χ ...).
# Latin → Greek is applied to mainly-Greek words and Greek → Latin to mainly-Latin ones.
_LAT2GR_PAIRS = "aα bβ eε hη iι kκ mμ nν oο pρ tτ xχ yυ zζ uυ vν wω"
_GR2LAT_PAIRS = "αa βb εe ηh ιi κk μm νn οo ρp τt χx υy ζz"
_LAT2GR = str.maketrans({p[0]: p[1] for p in _LAT2GR_PAIRS.split()})
_GR2LAT = str.maketrans({p[0]: p[1] for p in _GR2LAT_PAIRS.split()})
_LAT_LOOKALIKE = frozenset(p[0] for p in _LAT2GR_PAIRS.split())
_GR_LOOKALIKE = frozenset(p[0] for p in _GR2LAT_PAIRS.split())

_GREEK_CHARS = "\u0370-\u03ff\u1f00-\u1fff"
# A Greek letter right next to an ASCII letter: the only way a single word can mix the scripts.
_MIXED_RE = re.compile(rf"[a-z][{_GREEK_CHARS}]|[{_GREEK_CHARS}][a-z]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_TOKEN_RE = re.compile(r"[^\W_]+")
_DELETE_GREEK_LETTERS: dict[int, None] = {
    cp: None for cp in itertools.chain(range(0x0370, 0x0400), range(0x1F00, 0x2000)) if chr(cp).isalpha()
}
_LETTER_RE = re.compile(r"[^\W\d_]")


def _fix_mixed_word(match: re.Match[str]) -> str:
    """Map look-alike letters of the minority script into the script that dominates the word."""
    word = match.group()
    greek_unique = latin_unique = greek = latin = 0
    for ch in word:
        if "a" <= ch <= "z":
            latin += 1
            latin_unique += ch not in _LAT_LOOKALIKE
        elif "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
            greek += 1
            greek_unique += ch not in _GR_LOOKALIKE
    if not greek or not latin:
        return word
    # Letters that exist in only one script decide; when there are none, the plain majority does.
    # Mapping never changes either count of unique letters, so a second fold() decides the same way
    # and finds nothing left to map: fold() stays idempotent.
    if greek_unique != latin_unique:
        to_greek = greek_unique > latin_unique
    elif greek != latin:
        to_greek = greek > latin
    else:
        return word
    return word.translate(_LAT2GR if to_greek else _GR2LAT)


def _fold_chars(text: str) -> str:
    """The per-character part of fold(): strip marks, casefold, compose."""
    # Marks go before casefold(): it would turn a stripped ypogegrammeni (ᾳ) into a second iota.
    # The second translate() catches the few marks casefold() itself emits.
    s = unicodedata.normalize("NFD", text).translate(_MARKS).casefold().translate(_MARKS)
    return unicodedata.normalize("NFC", s)


def _fast_table() -> dict[int, str]:
    """_fold_chars() for single characters of the Latin, combining-mark and Greek blocks.

    In these blocks every composition involves a mark and every mark is deleted, so folding a
    string equals folding its characters one by one: one str.translate() does the work of two
    normalisations for nearly all Greek and Western input.
    """
    table: dict[int, str] = {}
    for cp in itertools.chain(range(0x0250), range(0x0300, 0x0400), range(0x1F00, 0x2000)):
        folded = _fold_chars(chr(cp))
        if folded != chr(cp):
            table[cp] = folded
    return table


_FAST = _fast_table()
_SLOW_CHAR_RE = re.compile("[^\u0000-\u024f\u0300-\u03ff\u1f00-\u1fff]")


def fold(text: str) -> str:
    """Normalise text for search: no accents, casefolded, σ for ς, look-alikes unified, spaces collapsed."""
    if text.isascii():
        return " ".join(text.lower().split())
    s = text.translate(_FAST) if _SLOW_CHAR_RE.search(text) is None else _fold_chars(text)
    if _MIXED_RE.search(s):
        s = _WORD_RE.sub(_fix_mixed_word, s)
    return " ".join(s.split())


def words(text: str) -> list[str]:
    """Split fold(text) into word tokens (runs of letters and digits)."""
    return _TOKEN_RE.findall(fold(text))


def is_greek(word: str) -> bool:
    """True when more than half of the letters of word are Greek."""
    if word.isascii():
        return False
    rest = word.translate(_DELETE_GREEK_LETTERS)  # one C pass instead of counting in Python
    greek = len(word) - len(rest)
    return greek > 0 and greek > len(_LETTER_RE.findall(rest))
