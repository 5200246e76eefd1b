"""The built-in checks: ALL-CAPS shouting (@caps), a curt reply (@curt), where greeting and closing hints go."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pelatis.lang.fold import fold, is_greek
from pelatis.lang.tone.folding import _WORD_RE
from pelatis.lang.tone.rules import ACRONYM_MAX, CURT_MAX_WORDS, CURT_PLAIN_WORDS

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0386\u0388-\u038f\u0391-\u03a1\u03a3-\u03ab"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u03ac-\u03ce"
_CAPS_RUN_RE = re.compile(
    rf"(?<![^\W\d_])[{_UPPER}]{{2,}}(?:[ \t,'’-]+(?:[0-9€%/]+[ \t,'’-]+)*[{_UPPER}]{{2,}})*(?![^\W\d_])"
)
_CAPS_WORD_RE = re.compile(rf"[{_UPPER}]+")
_LOWER_RE = re.compile(f"[{_LOWER}]")


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
