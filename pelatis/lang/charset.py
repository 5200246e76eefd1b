"""Greek-aware charset detection for text that came as bytes with no trustworthy label.

Greek text from older systems arrives in one of two single-byte code pages,
windows-1253 and iso-8859-7, which agree on every letter but capital Ά
(0xA2 in windows-1253, 0xB6 in iso-8859-7, where the other has ’ or ¶);
windows-1253 also puts punctuation (€ – « ») in 0x80-0x9F, which are
control codes in iso-8859-7. Latin text in windows-1252 is told from Greek by
how its high bytes sit: Greek words are runs of high bytes, Latin accents
stand alone among ASCII letters.

Codec names returned are Python codec names: ``utf-8-sig``, ``utf-16``,
``utf-8``, ``cp1253``, ``iso8859-7``, ``cp1252`` and ``latin-1``.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_text", "greek_codec", "looks_greek"]

CP1253 = "cp1253"
ISO8859_7 = "iso8859-7"

_HIGH_BYTES = bytes(range(0x80, 0x100))
_LETTER_RUN = re.compile(rb"[\xa2\xb6\xb8-\xbf\xc0-\xfe]{3,}")  # Greek letters in both Greek charsets
_C1 = re.compile(rb"[\x80-\x9f]")
_ALPHA_A2 = re.compile(rb"\xa2[\xc1-\xfe]")  # Ά before a letter: windows-1253
_ALPHA_B6 = re.compile(rb"\xb6[\xc1-\xfe]")  # Ά before a letter: iso-8859-7
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def looks_greek(data: bytes) -> bool:
    """8-bit text whose high bytes mostly sit in runs of 3+ letters: Greek words (Latin accents stand alone)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_runs = sum(len(run) for run in _LETTER_RUN.findall(data))
    return in_runs >= 3 and 2 * in_runs >= high


def greek_codec(data: bytes, *, default: str = CP1253) -> str:
    """``cp1253`` or ``iso8859-7``: the one that turns the bytes where they differ into letters.

    Ά followed by a letter decides (0xA2 in windows-1253, 0xB6 in iso-8859-7, the
    more frequent wins); with no such evidence, any byte in 0x80-0x9F means
    windows-1253 (punctuation there, control codes in iso-8859-7); otherwise ``default``."""
    a2, b6 = len(_ALPHA_A2.findall(data)), len(_ALPHA_B6.findall(data))
    if b6 > a2:
        return ISO8859_7
    if a2 > b6 or _C1.search(data):
        return CP1253
    return default


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, codec) of bytes in an unknown charset; never raises, never replaces a byte.

    In order: a UTF-8 BOM (``utf-8-sig``, BOM dropped) or a UTF-16 BOM
    (``utf-16``) when the rest decodes; strict UTF-8; for text that looks
    Greek, the Greek code page ``greek_codec`` picks, else the other one; then
    windows-1252; then latin-1, which decodes every byte. A BOM whose data does
    not decode falls through to the guesses, so a caller can tell a broken
    BOM file by a codec other than the BOM's. Every byte is kept: the text
    encodes back to ``data`` with the codec (UTF-16 in the BOM's byte order)."""
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    elif data.startswith(_UTF16_BOMS):
        candidates.append("utf-16")
    candidates.append("utf-8")
    if looks_greek(data):
        first = greek_codec(data)
        candidates += [first, ISO8859_7 if first == CP1253 else CP1253]
    candidates.append("cp1252")
    for codec in candidates:
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    return data.decode("latin-1"), "latin-1"
