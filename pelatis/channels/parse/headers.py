"""Header values: RFC 2047 encoded words and raw 8-bit bytes decoded, message ids, addresses, dates, and
a stable Message-ID for mail that has none."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import SURROGATE, clean, decode, noted
from .mime import HEAD_END, safe

# Characters of a Subject or address header read; beyond that it is not a person's mail.
MAX_HEADER = 32 * 1024

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
FOLD = re.compile(r"\s+")


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    data = (
        payload.encode("ascii", "surrogateescape")
        if payload.isascii()
        else payload.encode("utf-8", "surrogateescape")
    )
    try:
        if encoding in "Bb":
            return base64.b64decode(data + b"=" * (-len(data) % 4))
        return binascii.a2b_qp(data, header=True)
    except (binascii.Error, ValueError):
        return None


def decode_words(text: str, notes: list[str], what: str) -> str:
    """RFC 2047 encoded words decoded; adjacent words in one charset are joined before decoding, so a
    character split across two words survives."""
    if "=?" not in text:
        return text
    out: list[str] = []
    pending: list[bytes] = []
    charset: str | None = None
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        gap = text[pos : match.start()]
        data = _word_bytes(match[2], match[3])
        if data is None:
            continue
        if charset is None or gap.strip() or match[1].lower() != charset:
            if charset is not None:
                out.append(noted(decode(b"".join(pending), charset, what), notes))
                pending = []
            if charset is None or gap.strip():
                out.append(gap)
            charset = match[1].lower()
        pending.append(data)
        pos = match.end()
    if charset is not None:
        out.append(noted(decode(b"".join(pending), charset, what), notes))
    out.append(text[pos:])
    return "".join(out)


def header_str(value: str, notes: list[str], what: str) -> str:
    """A raw header value as text: 8-bit bytes decoded by charset guess, RFC 2047 decoded."""
    if not value.isascii() and SURROGATE.search(value):
        value = _raw_8bit(value, notes, what)
    return decode_words(value, notes, what)


def _raw_8bit(value: str, notes: list[str], what: str) -> str:
    """A header that came as raw 8-bit bytes: UTF-8 is allowed there (RFC 6532), anything else is a repair."""
    text, note = decode(value.encode("utf-8", "surrogateescape"), None, what)
    if note and not note.endswith("as utf-8"):
        notes.append(note)
    return text


def text_header(value: str | None, notes: list[str], what: str) -> str:
    return clean(FOLD.sub(" ", header_str((value or "")[:MAX_HEADER], notes, what)).strip())


_ANGLE_ID = re.compile(r"<\s*([^<>\s]+)\s*>")


def id_list(values: list[str]) -> list[str]:
    """Message ids in '<...>' form, order kept, duplicates dropped; bare ids with an '@' accepted too."""
    found: list[str] = []
    for value in values:
        ids = _ANGLE_ID.findall(value)
        if not ids:
            ids = [tok.strip("<>,;\"'()") for tok in value.split() if "@" in tok]
        found.extend(f"<{i}>" for i in ids if i)
    return [clean(i) for i in dict.fromkeys(found)]


_BARE_ADDRESS = re.compile(r"\s*<?([^\s<>,;:\"()\[\]\\@]+@[^\s<>,;:\"()\[\]\\]+)>?\s*\Z")
_ONE_ADDRESS = re.compile(r"<([^<>\s]*@[^<>\s]*)>")
_ONE_NAMED = re.compile(r'(?:\s*"[^"]*"\s*|[^"<>@]*)<[^<>]*>\s*\Z')  # a display name, then the one <address>


def address_list(values: list[str], notes: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs; names RFC 2047 decoded."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        value = value[:MAX_HEADER]
        if not value.isascii() and SURROGATE.search(value):
            value = _raw_8bit(value, notes, "address header")
        value = FOLD.sub(" ", value)
        bare = _BARE_ADDRESS.match(value)
        brackets = [] if bare else _ONE_ADDRESS.findall(value)
        if bare:
            found = [("", bare[1])]
        elif len(brackets) == 1 and _ONE_NAMED.match(
            value
        ):  # 'Papadopoulos, Giorgos <g@x.gr>' is one address
            name = value[: value.index("<")].strip().strip('"').replace('\\"', '"')
            found = [(name, brackets[0])]
        else:
            found = safe(lambda v=value: getaddresses([v]), [])
        for name, addr in found:
            addr = addr.strip().strip("<>").lower()
            if "@" in addr:
                pairs.append((text_header(name, notes, "display name").strip("\"' "), clean(addr)))
    return pairs


def header_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(FOLD.sub(" ", value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def synthetic_id(raw: bytes, headers: dict[str, list[str]]) -> str:
    """A Message-ID for a message without one: a hash of what stays the same from one delivery to the
    next (From, To, Cc, Date, Subject and the body), not of trace headers such as Received."""
    digest = hashlib.sha256()
    for name in ("from", "to", "cc", "date", "subject"):
        digest.update(
            FOLD.sub(" ", " ".join(headers.get(name, []))).strip().encode("utf-8", "surrogateescape")
        )
        digest.update(b"\0")
    end = HEAD_END.search(raw)
    body = raw[end.end() :] if end else b""
    digest.update(body.replace(b"\r\n", b"\n").rstrip())
    return f"<{digest.hexdigest()[:32]}.synthetic@pelatis.invalid>"
