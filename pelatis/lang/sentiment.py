"""Offline sentiment of customer feedback (Greek, Greeklish, English): a curated lexicon with rules.

No Greek sentiment model exists offline (see GREEK.md §5), so this is a VADER-style scorer over two
hand-curated lexicons (data/sentiment_el.txt, data/sentiment_en.txt):

* words are matched after fold() (no accents, casefolded, σ for ς); inflection is covered by
  wildcard endings ("βρωμ*") or listed endings ("καλ{ο,η,α}"), so no stemmer is needed;
* Greeklish tokens are matched through the phonetic keys of pelatis.lang.greeklish, so every Greek
  entry also matches "vromiko", "aparadekto", "den tha ksanaerthoume" ...;
* a negator up to three words before a sentiment word in the same clause flips and damps it
  ("δεν ήταν καλό", "not good", "καθόλου ευχαριστημένος", "δεν θα ξαναέρθουμε");
* intensifiers up to two words before scale it ("πολύ", "very", "εξαιρετικά"; "λίγο" softens);
* contrast ("αλλά", "but"): what comes before the last contrast word counts half, what follows 1.5×;
* emoticons and emoji score; ALL-CAPS sentiment words and "!" raise the intensity.

Pure Python: no Django, nothing is downloaded. Language ID (detect_language) is only used when the
caller does not pass `language`.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pelatis.lang.detect import detect_language
from pelatis.lang.fold import fold, is_greek
from pelatis.lang.greeklish import greek_key, latin_keys

__all__ = ["LABELS", "Evaluation", "Sentiment", "evaluation", "sentiment"]

LABELS = ("positive", "neutral", "negative")
_CLAUSE_NEGATORS = frozenset({"δεν", "δε", "μην", "μη", "not", "don't", "didn't", "doesn't", "no", "never"})
THRESHOLD = 0.2  # |score| at or above which a text is positive / negative
NEGATION_SCOPE = 3  # words a negator reaches forward
INTENSIFIER_SCOPE = 2
NEGATED = -0.74  # a negated sentiment word flips and weakens (VADER's constant)
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
QUESTION = 0.3  # weight of sentiment words inside a question
CAPS_BOOST = 0.6  # added to the magnitude of an ALL-CAPS sentiment word (less when all text is caps)
EXCLAMATION_BOOST = 0.29  # per "!", at most four
ALPHA = 15.0  # normalisation: score = s / sqrt(s² + ALPHA)
DETECT_CHARS = 600

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Sentiment:
    label: str  # 'positive' | 'neutral' | 'negative'
    score: float  # -1 .. 1
    language: str  # the language the text was scored as ('el', 'en', or what detection said)
    cues: tuple[str, ...]  # the words that decided it, as written, with modifiers ("δεν … καλό")


# --- lexicons -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    kind: str  # 'val' | 'neg' | 'but' | 'int'
    words: tuple[tuple[str, bool], ...]  # (form, is_prefix)
    value: float = 0.0  # valence ('val'; 'int' with a valence of its own)
    boost: float = 0.0  # 'int'


class _Lexicon:
    """Entries indexed by their first word: exact forms in a dict, prefixes in a dict by prefix."""

    def __init__(self, entries: list[_Entry], min_prefix: int) -> None:
        self.exact: dict[str, list[_Entry]] = {}
        self.prefix: dict[str, list[_Entry]] = {}
        self.min_prefix = min_prefix
        for e in entries:
            form, is_prefix = e.words[0]
            if is_prefix and len(form) < min_prefix:
                continue
            (self.prefix if is_prefix else self.exact).setdefault(form, []).append(e)

    def match(self, forms: list[frozenset[str]], i: int) -> tuple[_Entry, int] | None:
        """The best entry starting at token i: most words, then an exact first word, then longer prefix."""
        best: tuple[tuple[int, int, int], _Entry] | None = None
        for form in forms[i]:
            cands = [(e, 1, len(form)) for e in self.exact.get(form, ())]
            for n in range(self.min_prefix, len(form) + 1):
                cands.extend((e, 0, n) for e in self.prefix.get(form[:n], ()))
            for e, exact, plen in cands:
                if i + len(e.words) > len(forms) or not all(
                    _word_matches(w, forms[i + k]) for k, w in enumerate(e.words[1:], 1)
                ):
                    continue
                rank = (len(e.words), exact, plen)
                if best is None or rank > best[0]:
                    best = (rank, e)
        return (best[1], len(best[1].words)) if best else None


def _word_matches(word: tuple[str, bool], forms: frozenset[str]) -> bool:
    text, is_prefix = word
    return any(f.startswith(text) for f in forms) if is_prefix else text in forms


_BRACES_RE = re.compile(r"^(.*)\{([^{}]*)\}$")


def _expand(word: str) -> list[tuple[str, bool]]:
    m = _BRACES_RE.match(word)
    if m:
        return [(fold(m.group(1) + end), False) for end in m.group(2).split(",")]
    if word.endswith("*"):
        return [(fold(word[:-1]), True)]
    return [(fold(word), False)]


def _parse_value(spec: str) -> tuple[str, float, float]:
    if spec in ("neg", "but"):
        return spec, 0.0, 0.0
    if spec.startswith("int:"):
        parts = spec.split(":")
        return "int", float(parts[2]) if len(parts) > 2 else 0.0, float(parts[1])
    return "val", float(spec), 0.0


def _load(name: str) -> list[_Entry]:
    entries: list[_Entry] = []
    for lineno, line in enumerate((_DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, _, phrase = line.partition(" ")
        try:
            kind, value, boost = _parse_value(spec)
        except ValueError as exc:
            raise ValueError(f"{name}:{lineno}: bad value {spec!r}") from exc
        for words in itertools.product(*(_expand(w) for w in phrase.split())):
            entries.append(_Entry(kind, tuple(words), value, boost))
    return entries


def _keyed(entries: list[_Entry]) -> list[_Entry]:
    """Greek entries with each word replaced by its phonetic key, for Greeklish."""
    out = []
    for e in entries:
        words = tuple((greek_key(w), p) for w, p in e.words)
        if all(w for w, _ in words):
            out.append(_Entry(e.kind, words, e.value, e.boost))
    return out


@lru_cache(maxsize=1)
def _lexicons() -> tuple[_Lexicon, _Lexicon, _Lexicon]:
    """(Greek script, Greeklish keys, English)."""
    el = _load("sentiment_el.txt")
    return _Lexicon(el, 3), _Lexicon(_keyed(el), 4), _Lexicon(_load("sentiment_en.txt"), 3)


# --- tokens ---------------------------------------------------------------------------------------

_EMOTICON_POS = r"[:;=8][-'^]?[)\]}D3pP*]+|\^_?\^|<3|xD+"
_EMOTICON_NEG = r"[:;=][-'^]?[(\[{/\\|]+|:'\(|</3"
_EMOJI_POS = "😀😁😂😃😄😅😆😉😊😋😍😎😘🥰🤩🙂🤗👍👏🙌💯❤💕💖💗💙💚💛🧡💜⭐🌟✨🎉🥳😻☺"
_EMOJI_NEG = "😞😟😠😡🤬😢😭😤😒🙁☹😩😫😖😣👎💩🤮🤢😱😰😔😕🤦"
_TOKEN_RE = re.compile(
    rf"(?P<pos>(?<![^\W_])(?:{_EMOTICON_POS})(?![^\W_])|[{_EMOJI_POS}])"
    rf"|(?P<negemo>(?<![^\W_])(?:{_EMOTICON_NEG})(?![^\W_])|[{_EMOJI_NEG}])"
    r"|(?P<word>[^\W_]+(?:'[^\W_]+)*)"
    r"|(?P<punct>[.!?;;,·:…]+)"
)
# Function words that Greeklish never uses ("to", "me", "na" are Greek too, so they are not here).
_ENGLISH_MARKERS = frozenset({
    "the", "and", "my", "is", "was", "i", "i'm", "you", "your", "of", "for", "from", "with", "this", "it",
    "we", "our", "at", "are", "were", "have", "has", "be", "will", "would", "could", "should", "please",
    "hello", "hi", "thanks", "there", "what", "which",
})  # fmt: skip
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u00b4\u0060\u2032", "'"))


@dataclass
class _Token:
    kind: str  # 'word' | 'punct' | 'pos' | 'negemo'
    text: str  # as written
    folded: str


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.lastgroup or "", m.group(), fold(m.group()) if m.lastgroup == "word" else m.group())
        for m in _TOKEN_RE.finditer(text.translate(_APOSTROPHES))
    ]


def _language(text: str, language: str | None) -> str:
    if language:
        return language.lower()[:2]
    lang = detect_language(text[:DETECT_CHARS])
    if lang == "und":  # too short to tell: the script decides
        return "el" if is_greek("".join(ch for ch in text if ch.isalpha())) else "en"
    return lang


# --- scoring --------------------------------------------------------------------------------------


def _matches(tokens: list[_Token], greek_text: bool) -> list[tuple[int, int, _Entry]]:
    """Lexicon matches (start, end, entry) over the word tokens, left to right, longest first."""
    el, keyed, en = _lexicons()
    # One "form set" per token and lexicon; punctuation and emoji get none, so phrases stop there.
    empty: frozenset[str] = frozenset()
    greek_forms, key_forms, en_forms = [], [], []
    for t in tokens:
        if t.kind != "word":
            greek_forms.append(empty)
            key_forms.append(empty)
            en_forms.append(empty)
        elif is_greek(t.folded):
            greek_forms.append(frozenset((t.folded,)))
            key_forms.append(empty)
            en_forms.append(empty)
        else:
            greek_forms.append(empty)
            key_forms.append(_latin_keys(t.folded) if greek_text else empty)
            en_forms.append(frozenset((t.folded,)))
    found: list[tuple[int, int, _Entry]] = []
    i = 0
    while i < len(tokens):
        hit = None
        if tokens[i].kind == "word":
            for lex, forms in ((el, greek_forms), (keyed, key_forms), (en, en_forms)):
                if forms[i]:
                    hit = lex.match(forms, i)
                    if hit:
                        break
        if hit:
            found.append((i, i + hit[1], hit[0]))
            i += hit[1]
        else:
            i += 1
    return found


@lru_cache(maxsize=8192)
def _latin_keys(word: str) -> frozenset[str]:
    return latin_keys(word)


def sentiment(text: str, *, language: str | None = None) -> Sentiment:
    """Sentiment of one piece of customer feedback; language None means detect it."""
    if not text or not text.strip():
        return Sentiment("neutral", 0.0, (language or "und").lower()[:3], ())
    lang = _language(text, language)
    tokens = _tokens(text)
    matches = _matches(tokens, greek_text=lang == "el")
    if (
        language is None
        and lang != "el"
        and not any(e.kind == "val" for _, _, e in matches)
        and not any(t.folded in _ENGLISH_MARKERS for t in tokens if t.kind == "word")
    ):
        # Short Greeklish often escapes language ID: read it as Greeklish when English finds nothing.
        greeklish = _matches(tokens, greek_text=True)
        if any(e.kind == "val" for _, _, e in greeklish):
            lang, matches = "el", greeklish
    words = [t for t in tokens if t.kind == "word" and any(ch.isalpha() for ch in t.text)]
    all_caps = bool(words) and all(t.text.isupper() for t in words)

    # Clause index per token: punctuation and contrast words end a clause.
    contrast = [s for s, _, e in matches if e.kind == "but"]
    last_contrast = contrast[-1] if contrast else None
    clause, c = [], 0
    but_starts = set(contrast)
    for i, t in enumerate(tokens):
        if t.kind == "punct" or i in but_starts:
            c += 1
        clause.append(c)
    # Tokens of a question ("Would you recommend ...?", "Είναι καθαρό;") count less: mostly enquiries.
    question_marks = "?;" if lang == "el" else "?"
    in_question = [False] * len(tokens)
    sentence: list[int] = []
    for i, t in enumerate(tokens):
        sentence.append(i)
        if t.kind == "punct" and any(ch in t.text for ch in ".!?;…"):
            if any(ch in t.text for ch in question_marks):
                for k in sentence:
                    in_question[k] = True
            sentence = []

    by_start = {s: (s, end, e) for s, end, e in matches}
    valued = {s for s, _, e in matches if e.kind == "val" or (e.kind == "int" and e.value)}
    total = 0.0
    cues: list[tuple[float, str]] = []
    hits: list[tuple[int, int, float]] = [(s, end, e.value) for s, end, e in matches if e.kind == "val"]
    # An intensifier with a valence of its own ("εξαιρετικά") is a sentiment word unless one follows it.
    for s, end, e in matches:
        if e.kind == "int" and e.value and not (end in valued and clause[end] == clause[s]):
            hits.append((s, end, e.value))
    hits.extend(
        (i, i + 1, 2.0 if t.kind == "pos" else -2.0)
        for i, t in enumerate(tokens)
        if t.kind in ("pos", "negemo")
    )
    hits.sort()

    for start, end, value in hits:
        v = value
        negator = ""
        if tokens[start].kind == "word":
            boost = 0.0
            # A phrase that carries its own negation ("δεν απαντά") is not flipped again by a word before
            # it: "κανείς δεν απαντά" is Greek negative concord (nobody answers), not a double negative.
            negated_phrase = tokens[start].folded in _CLAUSE_NEGATORS and end - start > 1
            j, seen = start - 1, 0
            while j >= 0 and seen < NEGATION_SCOPE and clause[j] == clause[start]:
                m = by_start.get(j)
                if m is None:
                    # inside a longer match or an unmatched word
                    seen += 1
                    j -= 1
                    continue
                _, mend, e = m
                if mend <= start:
                    if e.kind == "neg" and not negator and not negated_phrase:
                        negator = tokens[j].text
                    elif e.kind == "int" and seen < INTENSIFIER_SCOPE:
                        boost += e.boost * (1.0 if seen == 0 else 0.9)
                seen += 1
                j -= 1
            v *= 1.0 + boost
            if any(t.kind == "word" and len(t.text) >= 3 and t.text.isupper() for t in tokens[start:end]):
                v += math.copysign(CAPS_BOOST / (3 if all_caps else 1), v)
            if negator:
                v *= NEGATED
        if in_question[start]:
            v *= QUESTION
        if last_contrast is not None:
            v *= BEFORE_CONTRAST if start < last_contrast else AFTER_CONTRAST
        if v:
            total += v
            span = " ".join(t.text for t in tokens[start:end])
            cues.append((v, f"{negator} … {span}" if negator else span))

    if total:
        bangs = min(text.count("!"), 4)
        total += math.copysign(EXCLAMATION_BOOST * bangs, total)
    score = total / math.sqrt(total * total + ALPHA)
    label = "positive" if score >= THRESHOLD else "negative" if score <= -THRESHOLD else "neutral"
    ordered = sorted(cues, key=lambda c: -abs(c[0]))
    return Sentiment(label, round(score, 4), lang, tuple(c for _, c in ordered))


# --- evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """How the scorer does on the labelled set (data/sentiment_eval.tsv) for one language."""

    language: str
    n: int  # labelled texts in that language
    accuracy: float
    f1: dict[str, float]  # per class, over LABELS
    majority_label: str  # the most frequent label: what a constant guess would say
    baseline_accuracy: float  # the accuracy of that constant guess

    @property
    def beats_baseline(self) -> bool:
        return self.n > 0 and self.accuracy > self.baseline_accuracy


@lru_cache(maxsize=16)
def evaluation(language: str) -> Evaluation:
    """Accuracy, per-class F1 and the majority-class baseline of sentiment() on the labelled set for ``language``.

    Texts are scored as feedback is (language detected), so the numbers say what a stored label is worth.
    """
    code = (language or "").lower()[:2]
    gold: list[str] = []
    texts: list[str] = []
    for line in (_DATA / "sentiment_eval.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("language\t"):
            continue
        row_language, label, _split, text = line.split("\t", 3)
        if row_language == code:
            gold.append(label)
            texts.append(text)
    if not gold:
        return Evaluation(code, 0, 0.0, dict.fromkeys(LABELS, 0.0), "", 0.0)
    pred = [sentiment(t).label for t in texts]
    pairs = list(zip(gold, pred, strict=True))
    f1 = {}
    for c in LABELS:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        wrong = sum(1 for g, p in pairs if (g == c) != (p == c))  # false positives and false negatives
        f1[c] = 2 * tp / (2 * tp + wrong) if tp else 0.0
    counts = {c: gold.count(c) for c in dict.fromkeys(gold)}
    majority = max(counts, key=lambda c: counts[c])
    return Evaluation(
        language=code,
        n=len(gold),
        accuracy=sum(1 for g, p in pairs if g == p) / len(gold),
        f1=f1,
        majority_label=majority,
        baseline_accuracy=counts[majority] / len(gold),
    )
