"""Language identification: Greek script and Greeklish are 'el'; py3langid, restricted, for the rest."""

from __future__ import annotations

import re
import threading
from typing import Any

from pelatis.lang.greeklish import is_greeklish

__all__ = ["LANGUAGES", "detect_language"]

# Languages a Greek business plausibly receives mail in. Restricting the model keeps it from
# answering with look-alike minor languages (af for "Vielen Dank!", fi for "Hello").
LANGUAGES = (
    "el", "en", "de", "fr", "it", "es", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "hu",
    "ro", "bg", "sr", "hr", "sl", "sq", "mk", "tr", "ru", "uk", "ar", "he", "zh", "ja", "ko",
)  # fmt: skip
MIN_LETTERS = 4  # fewer letters than this is not enough to tell
MIN_CONFIDENCE = 0.3  # normalised py3langid probability below which we answer 'und'

_LETTER_RE = re.compile(r"[^\W\d_]")
_GREEK_LETTER_RE = re.compile(r"(?=[^\W\d_])[\u0370-\u03ff\u1f00-\u1fff]")
_URL_EMAIL_RE = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)

_identifier: Any = None
_lock = threading.Lock()


def _langid() -> Any:
    """The py3langid identifier restricted to LANGUAGES, loaded on first use (about 1 s)."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages([code for code in LANGUAGES if code in set(identifier.labels)])
                _identifier = identifier
    return _identifier


def detect_language(text: str) -> str:
    """ISO 639-1 code of text: 'el' for Greek script and for Greeklish, 'und' when too short to tell."""
    text = _URL_EMAIL_RE.sub(" ", text)
    letters = len(_LETTER_RE.findall(text))
    if letters < 2:
        return "und"
    if 2 * len(_GREEK_LETTER_RE.findall(text)) >= letters:  # the script settles it
        return "el"
    if letters < MIN_LETTERS:
        return "und"
    if is_greeklish(text):
        return "el"
    lang, confidence = _langid().classify(text)  # unfolded: accents are evidence here
    return str(lang) if confidence >= MIN_CONFIDENCE else "und"
