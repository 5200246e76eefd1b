"""Charsets: a part's or header's bytes as text in the charset it declares, repaired when the label is
missing, unknown or wrong (Greek mail is often labelled Latin, or one Greek code page for the other);
every repair leaves a note. Which Greek code page a text is in is told by :mod:`pelatis.lang.charset`."""

from __future__ import annotations

import codecs
import functools
import re

from pelatis.lang.charset import greek_codec, looks_greek

SURROGATE = re.compile("[\ud800-\udfff]")
_MIME_NAMES = {"cp1253": "windows-1253", "iso8859-7": "iso-8859-7", "cp1252": "windows-1252",
               "iso8859-1": "iso-8859-1", "utf-8": "utf-8", "ascii": "us-ascii", "latin-1": "latin-1"}  # fmt: skip
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-8-i": "iso8859-8", "x-mac-greek": "mac-greek",
            "ks_c_5601-1987": "cp949", "x-sjis": "cp932", "shift_jis": "cp932", "utf8mb4": "utf-8"}  # fmt: skip
_UNSAFE_CODECS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)
_LATIN = frozenset({"ascii", "iso8859-1", "cp1252", "iso8859-15"})
_GREEK = frozenset({"cp1253", "iso8859-7"})
_SINGLE_BYTE_PREFIXES = ("iso8859", "cp125", "koi8", "mac-", "cp8", "cp4", "latin", "ascii", "tis-620")


@functools.lru_cache(maxsize=256)
def _codec(label: str) -> str | None:
    """Python's canonical codec name for a MIME charset label; None if unknown or not a text charset."""
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _UNSAFE_CODECS:
        return None
    return info.name


def _label(codec: str) -> str:
    return _MIME_NAMES.get(codec, codec)


def _decode_greek(data: bytes, first: str) -> tuple[str, str]:
    second = "iso8859-7" if first == "cp1253" else "cp1253"
    for codec in (first, second):
        try:
            return data.decode(codec), _label(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(first, errors="replace"), f"{_label(first)} (undecodable bytes replaced)"


def _guess(data: bytes) -> tuple[str, str]:
    """utf-8, else Greek (windows-1253 / iso-8859-7), else windows-1252, else latin-1."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_greek(data):
        return _decode_greek(data, greek_codec(data))
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1", errors="replace"), "latin-1"


def decode(data: bytes, declared: str | None, what: str) -> tuple[str, str]:
    """Text of data in its declared charset, repaired when the label is missing, unknown or wrong.

    Returns (text, note); note is '' when the label was trusted as it stood."""
    codec = _codec(declared) if declared else None
    if data.isascii() and (codec is None or codec.startswith(_SINGLE_BYTE_PREFIXES) or codec == "utf-8"):
        return data.decode("ascii"), ""
    if codec is None:
        text, used = _guess(data)
        why = f"unknown charset {declared!r} in" if declared else "undeclared 8-bit"
        return text, f"{why} {what} decoded as {used}"
    single_byte = codec.startswith(_SINGLE_BYTE_PREFIXES)
    if single_byte:
        try:  # valid non-ASCII UTF-8 is, in practice, never a single-byte text
            return data.decode("utf-8"), f"{what} declared {declared} is UTF-8; decoded as utf-8"
        except UnicodeDecodeError:
            pass
    if codec in _LATIN and looks_greek(data):
        text, used = _decode_greek(data, greek_codec(data))
        return text, f"{what} declared {declared} is Greek; decoded as {used}"
    if codec in _GREEK:
        better = greek_codec(data, default=codec)
        if better != codec:
            text, used = _decode_greek(data, better)
            return text, f"{what} declared {declared} decoded as {used}"
    if codec == "ascii":
        text, used = _guess(data)
        return text, f"8-bit {what} declared us-ascii decoded as {used}"
    try:
        return data.decode(codec), ""
    except (UnicodeDecodeError, LookupError, ValueError):
        text, used = _guess(data)
        return text, f"{what} not valid {declared}; decoded as {used}"


def clean(text: str) -> str:
    """No NUL (PostgreSQL refuses it) and no lone surrogates (UTF-8 refuses them)."""
    if "\0" in text:
        text = text.replace("\0", "")
    if not text.isascii() and SURROGATE.search(text):
        text = SURROGATE.sub("\ufffd", text)
    return text


def noted(decoded: tuple[str, str], notes: list[str]) -> str:
    """The text of a ``decode`` result; its repair note, if any, goes on ``notes``."""
    if decoded[1]:
        notes.append(decoded[1])
    return decoded[0]
