"""Phonetic keys that let Greek names be found from Greeklish or foreign spellings, and ELOT 743 romanisation.

Every Greek word gets one Latin key (greek_key). A Latin-script word gets a small set of candidate
keys (latin_keys), one per reading of its ambiguous spellings. Both sides use the same key
alphabet: a e i o u, b (μπ) v (β φ) g d (δ ντ) z th k l m n p r s t h (χ) j (τζ), with ξ = ks and
ψ = ps, and double letters collapsed. γι + vowel is keyed "gi" + vowel on both sides (GREEK.md's
"y"), so that the key of a prefix stays a prefix of the key of the whole word.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from pelatis.lang.fold import fold, is_greek, words

__all__ = [
    "greek_key",
    "is_greeklish",
    "latin_keys",
    "name_keys",
    "query_keys",
    "to_latin",
]

MAX_KEYS = 16
GREEKLISH_SHARE = 0.6  # share of 3+ letter words that must read as Greek for is_greeklish()

# --- Greek side -------------------------------------------------------------------------------

_GREEK_DIGRAPHS = {
    "ου": "u",
    "αι": "e",
    "ει": "i",
    "οι": "i",
    "υι": "i",
    "αυ": "av",
    "ευ": "ev",
    "ηυ": "iv",
    "μπ": "b",
    "μβ": "b",
    "ντ": "d",
    "νδ": "d",
    "γκ": "g",
    "γγ": "g",
    "γχ": "nh",
    "γξ": "nks",
    "τζ": "j",
}
_GREEK_DIGRAPH_RE = re.compile("|".join(_GREEK_DIGRAPHS))
_GREEK_SINGLE = str.maketrans(
    {
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
        "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "ks", "ο": "o", "π": "p",
        "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "i", "φ": "v", "χ": "h", "ψ": "ps",
        "ω": "o",
    }
)  # fmt: skip
_NOT_GREEK_LETTER_RE = re.compile("[^α-ω]")
_DOUBLE_RE = re.compile(r"(.)\1+")
_KEY_DOUBLES = tuple(ch + ch for ch in "abcdefghijklmnopqrstuvwxyz0123456789")
# A query ending in one of these letters may be cut inside a digraph (ο|υ, μ|π, γ|γ; o|u, n|t, t|h)
# or before the letter that decides its reading (y|o, d|h+vowel).
_GREEK_DIGRAPH_STARTS = frozenset("οαεημνγτ")
_LATIN_LOOKAHEAD = frozenset("oaenmgtckpdywj")


def _collapse(key: str) -> str:
    """Collapse runs of the same letter (λλ, σσ, and ιη → ii alike) to one."""
    for pair in _KEY_DOUBLES:  # cheaper than the regex for the common case of no doubles
        if pair in key:
            return _DOUBLE_RE.sub(r"\1", key)
    return key


def _greek_key_folded(folded: str) -> str:
    """greek_key() of a string that fold() has already normalised."""
    s = _NOT_GREEK_LETTER_RE.sub("", folded)
    s = _GREEK_DIGRAPH_RE.sub(lambda m: _GREEK_DIGRAPHS[m.group()], s).translate(_GREEK_SINGLE)
    return _collapse(s)


@lru_cache(maxsize=65536)
def greek_key(word: str) -> str:
    """Phonetic Latin key of a Greek word (accents, case and non-Greek characters are ignored)."""
    return _greek_key_folded(fold(word))


# --- Latin side -------------------------------------------------------------------------------

_VOWELS = frozenset("aeiouyw")
_END = "#"  # stands for "no letter" before or after the word, so `in` tests stay simple
_ASCII_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                              "ı": "i", "ŋ": "ng", "ħ": "h", "ŧ": "t"})  # fmt: skip
_NOT_LATIN_KEY_RE = re.compile("[^a-z0-9]")

Alt = tuple[tuple[str, int], ...]  # (phoneme, cost) readings of one spelling


def _h_readings(prev: str, nxt: str) -> Alt:
    """Readings of an h that is not part of ch/kh/th/ph/dh: η, χ or silent."""
    if prev == _END:  # word-initial: Χάρης/hara, Ηλίας/hlias, English Helen
        return (("h", 0), ("", 1)) if nxt in _VOWELS else (("i", 0), ("h", 0))
    if prev in _VOWELS:
        if nxt in _VOWELS:
            return (("h", 0), ("i", 1))  # mihalis
        return (("i", 0), ("h", 0), ("", 1)) if nxt != _END else (("i", 0), ("", 1))  # Sarah
    if prev == "s":
        return (("i", 0), ("h", 0), ("", 1))  # ση, σχ, English sh
    return (("i", 0), ("h", 0))  # xrhstos, dhmhtrhs


def _latin_slots(s: str) -> list[Alt]:
    """Split an ASCII word into spelling units, each with its possible readings."""
    slots: list[Alt] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        nx = s[i + 1] if i + 1 < n else _END
        nx2 = s[i + 2] if i + 2 < n else _END
        step = 1
        alts: Alt
        if c == "o" and nx == "u":
            alts, step = (("u", 0),), 2
        elif c == "o" and nx == "y" and nx2 not in _VOWELS:
            alts, step = (("u", 0), ("oi", 1)), 2
        elif c == "o" and nx == "i":
            alts, step = (("i", 0), ("oi", 1)), 2
        elif c == "a" and nx == "i":
            alts, step = (("e", 0), ("ai", 1)), 2  # αι, or ELOT's ai for αη (Μιχαήλ → Michail)
        elif c == "e" and nx == "i":
            alts, step = (("i", 0), ("ei", 1)), 2  # ει, or ELOT's ei for εη (Παντελεήμων)
        elif c in "ae" and nx == "u":
            alts, step = ((c + "v", 0),), 2
        elif c in "ae" and nx == "y" and nx2 not in _VOWELS:
            alts, step = ((c + "v", 0), ("e" if c == "a" else "i", 1)), 2
        elif c == "u":
            alts = (("u", 0), ("i", 0))
        elif c == "y":
            alts = (("gi", 0), ("i", 0)) if nx in _VOWELS else (("i", 0),)
        elif c == "w":
            alts = (("o", 0), ("u", 1)) if nx in _VOWELS else (("o", 0),)
        elif c in "aeio":
            alts = ((c, 0),)
        elif c == "b":
            alts = (("b", 0), ("v", 0))
        elif c == "c":
            if nx == "h":
                alts, step = (("h", 0),), 2
            elif nx in "ks":
                alts, step = (("k", 0),) if nx == "k" else (("ks", 0),), 2
            elif nx in "eiy":
                alts = (("k", 0), ("s", 1))
            else:
                alts = (("k", 0),)
        elif c == "d":
            if nx == "h":
                alts, step = ((("d", 0), ("di", 1)) if nx2 in _VOWELS else (("di", 0), ("d", 1))), 2
            elif nx == "z":
                alts, step = (("j", 0), ("dz", 1)), 2
            else:
                alts = (("d", 0),)
        elif c == "f":
            alts = (("v", 0),)
        elif c == "g":
            if nx == "k":
                alts, step = (("g", 0),), 2
            elif nx in "x3" or (nx in "ck" and nx2 == "h"):
                alts = (("n", 0), ("g", 1))  # γχ, γξ
            else:
                alts = (("g", 0),)
        elif c == "h":
            alts = _h_readings(s[i - 1] if i else _END, nx)
        elif c == "k":
            if nx == "h":
                alts, step = ((("h", 0), ("ki", 1)) if nx2 in _VOWELS else (("h", 0), ("ki", 0))), 2
            else:
                alts = (("k", 0),)
        elif c == "m" and nx in "pb":
            alts, step = (("b", 0),), 2
        elif c == "n" and nx in "td" and not (nx == "t" and nx2 == "h"):  # but νθ is n + th
            alts, step = (("d", 0),), 2
        elif c == "n" and nx == "g":
            alts, step = (("g", 0),), 2
        elif c == "n" and nx == "k":
            alts, step = (("g", 0), ("nk", 1)), 2
        elif c == "p" and nx == "h":
            alts, step = ((("v", 0),) if nx2 in _VOWELS else (("v", 0), ("pi", 1))), 2
        elif c == "q":
            alts = (("k", 0),)
        elif c == "t":
            if nx == "h":
                alts, step = ((("th", 0),) if nx2 in _VOWELS else (("th", 0), ("ti", 0))), 2
            elif nx == "z":
                alts, step = (("j", 0),), 2
            else:
                alts = (("t", 0),)
        elif c == "j":
            alts = (("j", 0), ("gi", 1)) if nx in _VOWELS else (("j", 0),)
        elif c == "x":
            alts = (("h", 0), ("ks", 0))
        elif c == "8":
            alts = (("th", 0),)
        elif c == "3":
            alts = (("ks", 0),)
        else:  # l m n p r s v z and the other digits
            alts = ((c, 0),)
        slots.append(alts)
        i += step
    return slots


def _latin_ascii(word: str) -> str:
    """Fold a Latin-script word to the a-z0-9 alphabet the Latin rules read."""
    s = fold(word)
    if not s.isascii():
        s = s.translate(_ASCII_EXTRA)
    s = _NOT_LATIN_KEY_RE.sub("", s)
    if s.isdigit():  # 8 and 3 only stand for θ and ξ inside words
        return s
    return _collapse(s)


@lru_cache(maxsize=65536)
def _latin_readings(word: str) -> tuple[tuple[str, int], ...]:
    """Candidate keys of a Latin-script word with their cost (0 = plain reading), cheapest first."""
    s = _latin_ascii(word)
    if not s:
        return ()
    if s.isdigit():
        return ((s, 0),)
    beam: list[tuple[int, str]] = [(0, "")]
    for alts in _latin_slots(s):
        beam = [(cost + c, key + ph) for cost, key in beam for ph, c in alts]
        if len(beam) > 4 * MAX_KEYS:
            beam.sort(key=lambda item: item[0])  # stable: earlier readings win ties
            del beam[4 * MAX_KEYS :]
    beam.sort(key=lambda item: item[0])
    ranked: dict[str, int] = {}
    for cost, key in beam:
        ranked.setdefault(_collapse(key), cost)
    ranked.pop("", None)
    return tuple(ranked.items())[:MAX_KEYS]


@lru_cache(maxsize=65536)
def _latin_keys_ranked(word: str) -> tuple[str, ...]:
    """Candidate keys of a Latin-script word, most likely reading first."""
    return tuple(key for key, _ in _latin_readings(word))


def latin_keys(word: str) -> frozenset[str]:
    """Candidate phonetic keys of a Latin-script word (Greeklish or foreign), at most 16."""
    return frozenset(_latin_keys_ranked(word))


# --- dispatch ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def name_keys(word: str) -> frozenset[str]:
    """Keys to index for one name word: its Greek key, or the candidate keys of a Latin spelling."""
    folded = fold(word)  # first, so look-alike letters cannot hide a Greek word (ΠAΠAΔOΠOYΛOΣ)
    if is_greek(folded):
        key = _greek_key_folded(folded)
        return frozenset((key,)) if key else frozenset()
    return frozenset(_latin_keys_ranked(folded))


@lru_cache(maxsize=65536)
def query_keys(word: str) -> frozenset[str]:
    """Keys to look up for one query word; also covers a query cut inside a digraph (papadopo, Κωνσταν)."""
    keys = set(name_keys(word))
    letters = words(word)
    if len(letters) == 1 and len(token := letters[0]) >= 3:
        if is_greek(token):
            if token[-1] in _GREEK_DIGRAPH_STARTS:
                keys.add(greek_key(token[:-1]))
        elif token.isascii() and token[-1] in _LATIN_LOOKAHEAD:
            keys.update(_latin_keys_ranked(token[:-1]))
    keys.discard("")
    return frozenset(keys)


# --- ELOT 743 romanisation --------------------------------------------------------------------

_ZWSP = "\u200b"
_icu_lock = threading.Lock()
_icu_transliterator: Any = None
# Greek letters (monotonic and polytonic) with any combining marks that follow them.
_GREEK_RUN_RE = re.compile(
    "([\u0386\u0388-\u03ff\u1f00-\u1ffc][\u0300-\u036f\u0386\u0388-\u03ff\u1f00-\u1ffc]*)"
    "([;\u037e\u0387\u00b7]?)"
)
_GREEK_PUNCTUATION = {";": "?", "\u037e": "?", "\u0387": ";", "\u00b7": ";", "": ""}
_GK_RE = re.compile("γκ")
_VOWEL_DIALYTIKA_RE = re.compile("(?<=[αεηοω])(?=[ϋΰ])")


def _transliterator() -> Any:
    """The ICU 'Greek-Latin/UNGEGN; Latin-ASCII' transliterator, built on first use."""
    global _icu_transliterator
    if _icu_transliterator is None:
        import icu  # imported lazily: only romanisation needs ICU

        _icu_transliterator = icu.Transliterator.createInstance("Greek-Latin/UNGEGN; Latin-ASCII")
    return _icu_transliterator


def _split_case_chunks(run: str) -> list[str]:
    """Split 'ΜακΝτόναλντ' into 'Μακ', 'Ντόναλντ' so each chunk has one case pattern."""
    chunks: list[str] = []
    start = 0
    for i in range(1, len(run)):
        if run[i].isupper() and run[i - 1].islower():
            chunks.append(run[start:i])
            start = i
    chunks.append(run[start:])
    return chunks


@lru_cache(maxsize=16384)
def _romanise_chunk(chunk: str) -> str:
    """ELOT 743 for one run of Greek letters with a single case pattern."""
    letters = [ch for ch in chunk if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    # ICU is only reliable on lowercase input (ΕΥΤΥΧΙΑ gives EUTYCHIA), so romanise the lowercase
    # form and put the case back afterwards.
    s = chunk.lower()
    s = _GK_RE.sub("γ" + _ZWSP + "κ", s)  # ELOT: γκ → gk (ICU says nk)
    s = _VOWEL_DIALYTIKA_RE.sub(_ZWSP, s)  # ELOT: αϋ → ay (ICU says au/af)
    with _icu_lock:
        out: str = _transliterator().transliterate(s)
    out = out.replace(_ZWSP, "")
    if not out.isascii():  # letters ICU has no rule for (archaic ϛ, ϡ ...)
        out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode("ascii")
    if upper and upper == len(letters) and len(letters) > 1:
        return out.upper()
    if upper and letters[0].isupper():
        if upper > len(letters) // 2 and len(letters) > 1:
            return out.upper()
        return out[:1].upper() + out[1:]
    return out


def _romanise_run(match: re.Match[str]) -> str:
    run = unicodedata.normalize("NFC", match.group(1)).replace("ϛ", "στ")
    out = "".join(_romanise_chunk(chunk) for chunk in _split_case_chunks(run))
    # Right after a Greek word, ; is the Greek question mark and · the Greek semicolon.
    return out + _GREEK_PUNCTUATION.get(match.group(2), "")


def to_latin(text: str) -> str:
    """ELOT 743 romanisation of the Greek parts of text; everything else is left as it is."""
    if text.isascii():
        return text
    return _GREEK_RUN_RE.sub(_romanise_run, text)


# --- Greeklish detection ----------------------------------------------------------------------

_DATA_DIR = Path(__file__).resolve().parent / "data"
_known_keys: frozenset[str] | None = None
_known_lock = threading.Lock()
_LATIN_TOKEN_RE = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


def _greek_word_keys() -> frozenset[str]:
    """Keys of the shipped list of common Greek words and of every name in the name-day table."""
    global _known_keys
    if _known_keys is None:
        with _known_lock:
            if _known_keys is None:
                from pelatis.lang.namedays import all_name_forms

                text = (_DATA_DIR / "greek_words.txt").read_text(encoding="utf-8")
                forms = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
                forms.extend(f for f in all_name_forms() if is_greek(f))
                # Words of one or two letters (το, σε, να) would mostly be hit by English (too, see).
                _known_keys = frozenset(
                    greek_key(f) for f in forms if len(_NOT_GREEK_LETTER_RE.sub("", fold(f))) >= 3
                )
    return _known_keys


def _reads_as_greek(token: str, known: frozenset[str]) -> bool:
    """True when a reading of token is a known Greek word; a three-letter token needs a plain reading."""
    plain_only = len(token) <= 3  # "has" must not pass as ας through its silent-h reading
    return any(key in known for key, cost in _latin_readings(token) if not (plain_only and cost))


def is_greeklish(text: str) -> bool:
    """True for Latin-script text that is Greek: most of its words of 3+ letters read as Greek words."""
    folded = fold(text)
    if is_greek(folded):
        return False
    tokens = [t for t in _LATIN_TOKEN_RE.findall(folded) if len(t) >= 3]
    if not tokens or (len(tokens) == 1 and len(tokens[0]) < 5):  # "Hola", "geia": too little to tell
        return False
    known = _greek_word_keys()
    hits = sum(1 for t in tokens if _reads_as_greek(t, known))
    return hits >= GREEKLISH_SHARE * len(tokens)
