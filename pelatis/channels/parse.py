"""Raw RFC 822 bytes to a ParsedMessage: headers, threading ids, bodies, attachments, auto/bounce flags.

Pure: no Django, no other app but pelatis.lang, no I/O. Transports fetch bytes; services.py files the result.
Nothing in here raises on bad mail except ParseError, and only for input that is not mail at all: a broken
charset, a truncated MIME tree or a garbled header costs that part, never the message.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import hashlib
import html as html_lib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any
from urllib.parse import unquote_to_bytes

import nh3

from pelatis import lang

__all__ = ["Attachment", "ParseError", "ParsedMessage", "parse_message", "ticket_token"]

MAX_QUOTE_DEPTH = 8  # '> ' prefixes written for nested blockquotes; hostile HTML nests thousands deep
MAX_MIME_HEADER = 16 * 1024  # characters of a Content-Type/-Disposition header the structured parser reads
MAX_UNCLOSED_TAGS = 1000  # more elements left open than this and the HTML is flattened before sanitising
MAX_HEADER = (
    32 * 1024
)  # characters of a Subject or address header read; beyond that it is not a person's mail
LANGUAGE_SAMPLE = (
    300  # characters of visible text given to language detection: plenty, and its cost grows with length
)


@dataclass(frozen=True)
class Attachment:
    """One attachment; data is b'' when it was over the size limit (size says how big it was)."""

    filename: str
    content_type: str
    size: int
    data: bytes
    content_id: str | None  # without the angle brackets, as an HTML body writes it after "cid:"
    inline: bool


@dataclass(frozen=True)
class ParsedMessage:
    """What the help desk needs from one inbound mail."""

    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_name: str
    from_email: str
    to: list[str]
    cc: list[str]
    reply_to: str
    date: datetime | None
    text: str
    html: str
    visible_text: str
    attachments: list[Attachment]
    is_auto: bool
    auto_reason: str
    is_bounce: bool
    ticket_ref: int | None
    language: str
    charset_note: str


class ParseError(Exception):
    """The input is not a mail message at all (empty, or no header block)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ticket_token(ticket_id: int) -> str:
    """The subject token that parse_message reads back as ticket_ref: '[#1234]'."""
    return f"[#{int(ticket_id)}]"


# --- The MIME tree ----------------------------------------------------------------------------------


class _CachingPolicy(EmailPolicy):
    """policy.default, parsing each distinct header once: the parser asks for Content-Type again and
    again, and the structured-header parser is the slowest thing in the stdlib email package."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        if len(value) > 2000:  # keep the cache small whatever arrives
            # A MIME header this long is garbage; the structured-header parser would take seconds over it.
            return email_policy.default.header_fetch_parse(name, value[:MAX_MIME_HEADER])
        return _parsed_header(name, value)


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str) -> Any:
    return email_policy.default.header_fetch_parse(name, value)


_POLICY = _CachingPolicy()
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")
_FIELD_NAMES = re.compile(rb"(?m)^([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_MAIL_FIELDS = frozenset(
    b"from to cc bcc subject date message-id received return-path mime-version content-type reply-to sender "
    b"delivered-to in-reply-to references x-mailer auto-submitted list-id dkim-signature x-original-to".split()
)
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def _clip(raw: bytes) -> bytes:
    """The message proper: without an mbox 'From ' line or leading blank lines; ParseError if not mail."""
    raw = raw.lstrip(b"\r\n")
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2].lstrip(b"\r\n")
    if not raw.strip():
        raise ParseError("empty input")
    if not _HEADER_LINE.match(raw):
        raise ParseError("no header block: the first line is not a header field")
    end = _HEAD_END.search(raw, 0, 256 * 1024)
    head = raw[: end.start() if end else 256 * 1024]
    if not any(name.lower() in _MAIL_FIELDS for name in _FIELD_NAMES.findall(head)):
        raise ParseError("no mail header field (From, To, Subject, Date, Message-ID, Received, ...)")
    return raw


def _tree(raw: bytes) -> Message:
    """The MIME tree; the tolerant compat32 parser and then headers alone when the modern one gives up."""
    for policy, headersonly in (
        (_POLICY, False),
        (email_policy.compat32, False),
        (email_policy.compat32, True),
    ):
        try:
            return BytesParser(policy=policy).parsebytes(raw, headersonly=headersonly)
        except Exception:  # noqa: S112 - the stdlib parser has raised on hostile input; try a simpler one
            continue
    raise ParseError("the MIME structure could not be read")


def _leaves(msg: Message, depth: int = 0) -> Iterator[Message]:
    """Leaf parts in order; message/* parts (forwards, DSN reports) are leaves, not descended into."""
    if depth > 30 or not msg.is_multipart() or msg.get_content_maintype() == "message":
        yield msg
        return
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _leaves(sub, depth + 1)


def _multiparts(msg: Message, depth: int = 0) -> Iterator[Message]:
    if depth > 30 or not msg.is_multipart() or msg.get_content_maintype() == "message":
        return
    yield msg
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _multiparts(sub, depth + 1)


def _report_types(msg: Message) -> set[str]:
    """report-type of every multipart/report in the tree: 'delivery-status' is a DSN, 'disposition-notification' an MDN."""
    return {str(part.get_param("report-type", "") or "unknown").lower()
            for part in _multiparts(msg) if part.get_content_type() == "multipart/report"}  # fmt: skip


def _raw_headers(part: Message) -> dict[str, list[str]]:
    """Header values as they came (RFC 2047 still encoded, 8-bit bytes as surrogates), by lower-case name."""
    out: dict[str, list[str]] = {}
    for name, value in part.raw_items():
        out.setdefault(str(name).lower(), []).append(str(value))
    return out


def _safe(call: Any, default: Any) -> Any:
    """call(), or default when the stdlib trips over a malformed header."""
    try:
        return call()
    except Exception:
        return default


# --- Charsets -----------------------------------------------------------------------------------

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
_HIGH_BYTES = bytes(range(0x80, 0x100))
_LETTER_RUN = re.compile(rb"[\xa2\xb6\xb8-\xbf\xc0-\xfe]{3,}")  # Greek letters in both Greek charsets
_C1 = re.compile(rb"[\x80-\x9f]")
_ALPHA_A2 = re.compile(rb"\xa2[\xc1-\xfe]")  # Ά before a letter: windows-1253
_ALPHA_B6 = re.compile(rb"\xb6[\xc1-\xfe]")  # Ά before a letter: iso-8859-7


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


def _looks_greek(data: bytes) -> bool:
    """8-bit text whose high bytes mostly sit in runs of 3+ letters: Greek words (Latin accents stand alone)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_runs = sum(len(run) for run in _LETTER_RUN.findall(data))
    return in_runs >= 3 and 2 * in_runs >= high


def _greek_codec(data: bytes, default: str = "cp1253") -> str:
    """windows-1253 or iso-8859-7, by which one turns the bytes that differ into letters."""
    a2, b6 = len(_ALPHA_A2.findall(data)), len(_ALPHA_B6.findall(data))
    if b6 > a2:
        return "iso8859-7"
    if a2 > b6 or _C1.search(data):  # C1 bytes are punctuation in windows-1253, controls in iso-8859-7
        return "cp1253"
    return default


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
    if _looks_greek(data):
        return _decode_greek(data, _greek_codec(data))
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1", errors="replace"), "latin-1"


def _decode(data: bytes, declared: str | None, what: str) -> tuple[str, str]:
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
    if codec in _LATIN and _looks_greek(data):
        text, used = _decode_greek(data, _greek_codec(data))
        return text, f"{what} declared {declared} is Greek; decoded as {used}"
    if codec in _GREEK:
        better = _greek_codec(data, default=codec)
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


# --- Headers ------------------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\s+")


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


def _decode_words(text: str, notes: list[str], what: str) -> str:
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
                out.append(_note(_decode(b"".join(pending), charset, what), notes))
                pending = []
            if charset is None or gap.strip():
                out.append(gap)
            charset = match[1].lower()
        pending.append(data)
        pos = match.end()
    if charset is not None:
        out.append(_note(_decode(b"".join(pending), charset, what), notes))
    out.append(text[pos:])
    return "".join(out)


def _note(decoded: tuple[str, str], notes: list[str]) -> str:
    if decoded[1]:
        notes.append(decoded[1])
    return decoded[0]


def _header_str(value: str, notes: list[str], what: str) -> str:
    """A raw header value as text: 8-bit bytes decoded by charset guess, RFC 2047 decoded."""
    if not value.isascii() and _SURROGATE.search(value):
        value = _raw_8bit(value, notes, what)
    return _decode_words(value, notes, what)


def _raw_8bit(value: str, notes: list[str], what: str) -> str:
    """A header that came as raw 8-bit bytes: UTF-8 is allowed there (RFC 6532), anything else is a repair."""
    text, note = _decode(value.encode("utf-8", "surrogateescape"), None, what)
    if note and not note.endswith("as utf-8"):
        notes.append(note)
    return text


def _text_header(value: str | None, notes: list[str], what: str) -> str:
    return _clean(_FOLD.sub(" ", _header_str((value or "")[:MAX_HEADER], notes, what)).strip())


_ANGLE_ID = re.compile(r"<\s*([^<>\s]+)\s*>")


def _ids(values: list[str]) -> list[str]:
    """Message ids in '<...>' form, order kept, duplicates dropped; bare ids with an '@' accepted too."""
    found: list[str] = []
    for value in values:
        ids = _ANGLE_ID.findall(value)
        if not ids:
            ids = [tok.strip("<>,;\"'()") for tok in value.split() if "@" in tok]
        found.extend(f"<{i}>" for i in ids if i)
    return [_clean(i) for i in dict.fromkeys(found)]


_BARE_ADDRESS = re.compile(r"\s*<?([^\s<>,;:\"()\[\]\\@]+@[^\s<>,;:\"()\[\]\\]+)>?\s*\Z")
_ONE_ADDRESS = re.compile(r"<([^<>\s]*@[^<>\s]*)>")
_ONE_NAMED = re.compile(r'(?:\s*"[^"]*"\s*|[^"<>@]*)<[^<>]*>\s*\Z')  # a display name, then the one <address>


def _address_list(values: list[str], notes: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs; names RFC 2047 decoded."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        value = value[:MAX_HEADER]
        if not value.isascii() and _SURROGATE.search(value):
            value = _raw_8bit(value, notes, "address header")
        value = _FOLD.sub(" ", value)
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
            found = _safe(lambda v=value: getaddresses([v]), [])
        for name, addr in found:
            addr = addr.strip().strip("<>").lower()
            if "@" in addr:
                pairs.append((_text_header(name, notes, "display name").strip("\"' "), _clean(addr)))
    return pairs


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(_FOLD.sub(" ", value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _synthetic_id(raw: bytes, headers: dict[str, list[str]]) -> str:
    """A Message-ID for a message without one: a hash of what stays the same from one delivery to the
    next (From, To, Cc, Date, Subject and the body), not of trace headers such as Received."""
    digest = hashlib.sha256()
    for name in ("from", "to", "cc", "date", "subject"):
        digest.update(
            _FOLD.sub(" ", " ".join(headers.get(name, []))).strip().encode("utf-8", "surrogateescape")
        )
        digest.update(b"\0")
    end = _HEAD_END.search(raw)
    body = raw[end.end() :] if end else b""
    digest.update(body.replace(b"\r\n", b"\n").rstrip())
    return f"<{digest.hexdigest()[:32]}.synthetic@pelatis.invalid>"


# --- Bodies -------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _clean(text: str) -> str:
    """No NUL (PostgreSQL refuses it) and no lone surrogates (UTF-8 refuses them)."""
    if "\0" in text:
        text = text.replace("\0", "")
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def _part_text(part: Message, subtype: str, notes: list[str]) -> str:
    data = _safe(lambda: part.get_payload(decode=True), None)
    if not isinstance(data, bytes):
        payload = _safe(part.get_payload, "")
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    declared = _safe(lambda: part.get_content_charset(), None)
    if not declared and subtype == "html":
        meta = _META_CHARSET.search(data, 0, 4096)
        declared = meta[1].decode("ascii") if meta else None
    text = _note(_decode(data, declared, f"{subtype} body"), notes)
    return _clean(_NEWLINES.sub("\n", text))


# Sanitised HTML: no scripts, styles, forms, frames or event handlers; links get rel="noopener noreferrer";
# an <img> keeps its src only when it points into the message (cid:), so nothing remote loads.
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "src":
        return value if value[:4].lower() == "cid:" else None
    if attr == "href" and value[:4].lower() == "cid:":
        return None
    return value


_CLEANER = nh3.Cleaner(
    clean_content_tags={"script", "style", "title", "head", "textarea", "noscript", "template"},
    attributes={
        **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
        "a": {"href", "hreflang", "title"},
        "*": {"dir", "lang"},
    },  # fmt: skip
    attribute_filter=_attribute_filter,
    url_schemes=_URL_SCHEMES,
)

_EMPTY_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")  # remote images lose their src: drop the empty tag
_OPENING_TAG = re.compile(r"<(?!(?:br|img|meta|hr|input|col|wbr|link|area|base|p|li|td|th|tr|option|dt|dd)\b)[a-zA-Z]",
                          re.IGNORECASE)  # fmt: skip
_CLOSING_TAG = re.compile(r"</[a-zA-Z]")
_NOT_P_OR_BR = re.compile(r"<(?!/?(?:p|br)\b)[^<>]*>", re.IGNORECASE)


def _sanitise(html: str) -> str:
    """nh3-cleaned HTML. The HTML5 tree builder slows quadratically with nesting depth, so markup with
    thousands of unclosed elements (no mail client writes that) is flattened to paragraphs first."""
    if len(_OPENING_TAG.findall(html)) - len(_CLOSING_TAG.findall(html)) > MAX_UNCLOSED_TAGS:
        html = _NOT_P_OR_BR.sub(" ", html)
    return _EMPTY_IMG.sub("", _clean(_CLEANER.clean(html)))


_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>|<hr\b[^>]*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|tr|table|ul|ol|dl|dt|dd|pre|section|article|header|footer|figure)\s*>",
                        re.IGNORECASE)  # fmt: skip
_LI = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_BQ_OPEN = re.compile(r"<blockquote\b[^>]*>", re.IGNORECASE)
_BQ_CLOSE = re.compile(r"</blockquote\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\xa0\u200b\u2007\u202f]+")
_LINE_EDGES = re.compile(r"(?<! ) *\n *")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _html_text(clean_html: str) -> str:
    """Plain text of sanitised HTML; blockquoted text comes out '> '-quoted, as a text mailer would write it."""
    text = clean_html.replace("\x01", "").replace("\x02", "")
    text = _PRE.sub(lambda m: m[0].replace("\n", "<br>"), text)
    text = _HTML_WS.sub(" ", text)
    text = _BR.sub("\n", text)
    text = _BLOCK_END.sub("\n", text)
    text = _LI.sub("\n- ", text)
    text = _CELL.sub(" ", text)
    text = _BQ_OPEN.sub("\x01", text)
    text = _BQ_CLOSE.sub("\x02", text)
    text = html_lib.unescape(_TAG.sub("", text))
    if "\x01" in text:
        pieces: list[str] = []
        depth = 0
        for piece in re.split("([\x01\x02])", text):
            if piece == "\x01":
                depth += 1
                pieces.append("\n")
            elif piece == "\x02":
                depth = max(0, depth - 1)
                pieces.append("\n")
            elif depth and piece.strip():
                prefix = "> " * min(depth, MAX_QUOTE_DEPTH)
                pieces.append("\n".join(prefix + line for line in piece.strip("\n").split("\n")))
            else:
                pieces.append(piece)
        text = "".join(pieces)
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))
    return _BLANK_RUNS.sub("\n\n", text).strip()


# --- Quoted replies and signatures --------------------------------------------------------------

_LEADS = r"On|Στις|Am|Il(?:\sgiorno)?|Le|El|Op|Den|W\sdniu"
_VERBS = r"wrote|έγραψε|schrieb|ha\sscritto|a\sécrit|escribió|schreef|skrev|napisał"
_ATTRIBUTION = (
    rf"[ \t]*(?:{_LEADS})\s[^\n]{{1,300}}?(?:\n[^\n]{{1,200}}?)?\s(?:{_VERBS})[^\n:]{{0,80}}:[ \t]*"
)
_ATTRIBUTION_WHOLE = re.compile(rf"{_ATTRIBUTION}\Z")
_ATTRIBUTION_TAIL = re.compile(
    rf"\s(?:{_VERBS})\s?:[ \t]*\Z"
)  # "Maria <m@x.gr> wrote:", the second half of a wrapped one
_ATTRIBUTION_LINE = re.compile(rf"(?m)^{_ATTRIBUTION}$")
_BEFORE_QUOTE = re.compile(r"(?m)^((?:[ \t]*[^\s>][^\n]*\n)?[ \t]*[^\s>][^\n]*)\n(?:[ \t]*\n)*(?=[ \t]*>)")
_QUOTE_LINES = re.compile(r"(?m)^[ \t]*>[^\n]*(?:\n|\Z)")
_ORIGINAL_MESSAGE = re.compile(
    r"(?mi)^[ \t]*-{2,}[ \t]*(?:Original Message|Αρχικό μήνυμα|Ursprüngliche Nachricht|Message d'origine|"
    r"Messaggio originale|Mensaje original|Oorspronkelijk bericht)[ \t]*-{2,}[ \t]*$"
)
_OUTLOOK_HEADER = re.compile(
    r"(?mi)^[ \t]*\*?(?:From|Από|Von|De|Da|Van|Fra|Od)[ \t]*\*?[ \t]*:[^\n]*\n(?:[^\n]*\n){0,3}?"
    r"[ \t]*\*?(?:Sent|Date|Στάλθηκε|Ημερομηνία|Αποστολή|Gesendet|Datum|Envoyé|Inviato|Data|Verzonden|Enviado|Fecha|Sendt)"
    r"[ \t]*\*?[ \t]*:"
)
_FORWARD_MARK = re.compile(r"(?i)forwarded message|begin forwarded message|προωθημένο μήνυμα|weitergeleitete nachricht|"
                           r"message transféré|messaggio inoltrato|mensaje reenviado")  # fmt: skip
_SIGNATURE = re.compile(
    r"(?mi)^(?:-- ?|Sent from my [^\n]{1,60}|Sent from (?:Mail|Outlook) for [^\n]{1,40}|Get Outlook for [^\n]{1,40}"
    r"|Sent from Yahoo Mail[^\n]{0,40}|Στάλθηκε από [^\n]{1,60}|Αποστολή από [^\n]{1,60}|Von meinem [^\n]{1,60}gesendet"
    r"|Envoyé de mon [^\n]{1,60}|Inviato da [^\n]{1,60}|Enviado desde mi [^\n]{1,60})[ \t]*$"
)
_RULE = re.compile(r"[_=*-]{5,}")
_LINE_END_SPACE = re.compile(r"(?<![ \t])[ \t]+\n")  # the lookbehind keeps long runs of blanks linear


def _drop_attribution(match: re.Match[str]) -> str:
    """The lines just above a '>' block, less an "On ... wrote:" attribution (one line or wrapped on two)."""
    block = match[1]
    if _ATTRIBUTION_WHOLE.match(block):
        return ""
    head, newline, last = block.rpartition("\n")
    if not last.lstrip().startswith(">") and (
        _ATTRIBUTION_WHOLE.match(last) or _ATTRIBUTION_TAIL.search(last)
    ):
        return head + newline
    return match[0]


def _first_cut(pattern: re.Pattern[str], text: str) -> int:
    """Where the first match of pattern with some text above it starts; len(text) if none."""
    for match in pattern.finditer(text):
        if text[: match.start()].strip():
            return match.start()
    return len(text)


def _visible(text: str) -> str:
    """text without quoted replies, reply headers and signatures; the whole text if nothing else is left."""
    cut = len(text)
    for pattern in (_ORIGINAL_MESSAGE, _OUTLOOK_HEADER):
        for match in pattern.finditer(text, 0, cut):
            if not _FORWARD_MARK.search(text, max(0, match.start() - 300), match.start()):
                cut = min(cut, match.start())
                break
    visible = text[:cut]
    if ">" in visible:
        visible = _QUOTE_LINES.sub("", _BEFORE_QUOTE.sub(_drop_attribution, visible))
    visible = visible[: _first_cut(_ATTRIBUTION_LINE, visible)]  # top-posted reply over an unquoted original
    visible = visible[: _first_cut(_SIGNATURE, visible)]
    visible = visible.rstrip()
    for _ in range(5):  # separator lines left at the end ("_____" above an Outlook header)
        head, _newline, last = visible.rpartition("\n")
        if not _RULE.fullmatch(last.strip()):
            break
        visible = head.rstrip()
    visible = _BLANK_RUNS.sub("\n\n", _LINE_END_SPACE.sub("\n", visible)).strip()
    return visible or text.strip()


# --- Attachments --------------------------------------------------------------------------------

_MIMES = mimetypes.MimeTypes()  # the stdlib table only: the same answer on every machine
_ZIP_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
              ".epub": "application/epub+zip", ".jar": "application/java-archive", ".zip": "application/zip"}  # fmt: skip
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),
          (b"MZ", "application/x-msdownload"))  # fmt: skip
_CHECKED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", *_ZIP_TYPES.values()})
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\Z")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _sniff(data: bytes, declared: str, filename: str) -> str:
    """The content type, the header's claim checked against the first bytes."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind != "zip":
                return kind
            if (
                declared in _ZIP_TYPES.values()
                or declared.endswith("+zip")
                or "opendocument" in declared
                or "openxmlformats" in declared
                or declared in ("application/x-zip-compressed", "application/zip")
            ):
                return declared
            return _ZIP_TYPES.get(_extension(filename), "application/zip")
    if data and declared in _CHECKED_TYPES:  # claims a type whose magic is missing: do not pass the claim on
        return "application/octet-stream"
    if declared in ("application/octet-stream", "application/unknown", "") and filename:
        guessed = _MIMES.guess_type(filename, strict=False)[0]
        if guessed and guessed not in _CHECKED_TYPES:
            return guessed
    return declared or "application/octet-stream"


def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", _FOLD.sub(" ", name)).strip(" ._")
    return name[:200]


_RFC2231 = re.compile(r"(?i)\b(?:file)?name\*(?:0\*)?\s*=\s*([^'\s;]*)'[^'\s;]*'([^\s;]+)")
_PLAIN_NAME = re.compile(r"""(?i)\b(?:file)?name\s*=\s*(?:"([^"]*)"|([^\s;]+))""")


def _filename(part: Message, headers: dict[str, list[str]], notes: list[str]) -> str:
    name = _safe(part.get_filename, None)
    name = name if isinstance(name, str) else ""
    raw = " ".join(headers.get("content-disposition", []) + headers.get("content-type", []))
    if "\ufffd" in name or not name.isascii() and _SURROGATE.search(name):
        encoded = _RFC2231.search(raw)
        plain = _PLAIN_NAME.search(raw)
        if encoded:
            name = _note(_decode(unquote_to_bytes(encoded[2]), encoded[1] or None, "attachment name"), notes)
        elif plain:
            name = _header_str(plain[1] or plain[2] or "", notes, "attachment name")
    if "=?" in name:
        name = _decode_words(name, notes, "attachment name")
    return _safe_filename(_clean(name))


def _serialised(part: Message) -> bytes:
    """A message/* part's content as bytes (a forwarded mail, a DSN status block)."""
    payload = _safe(part.get_payload, None)
    blocks = payload if isinstance(payload, list) else [payload]
    out: list[bytes] = []
    for block in blocks:
        if isinstance(block, Message):
            out.append(_safe(lambda b=block: b.as_bytes(policy=email_policy.compat32), b""))
        elif isinstance(block, str):
            out.append(block.encode("utf-8", "surrogateescape"))
    return b"\n".join(out)


def _attachment(part: Message, ctype: str, disposition: str | None, number: int, limit: int,
                notes: list[str]) -> Attachment:  # fmt: skip
    headers = _raw_headers(part)
    filename = _filename(part, headers, notes)
    maintype, _, subtype = ctype.partition("/")
    if maintype == "message":
        data = _serialised(part)
        content_type = ctype
        filename = filename or (
            f"message-{number}.eml" if subtype in ("rfc822", "global") else f"{subtype}-{number}.txt"
        )
    else:
        data = _safe(lambda: part.get_payload(decode=True), None)
        data = data if isinstance(data, bytes) else b""
        content_type = _sniff(data[:16], ctype, filename)
    if not filename:
        filename = f"attachment-{number}{_MIMES.guess_extension(content_type, strict=False) or '.bin'}"
    content_id = _ids(headers.get("content-id", [])[:1])
    cid = content_id[0][1:-1] if content_id else None
    size = len(data)
    return Attachment(
        filename=filename,
        content_type=content_type,
        size=size,
        data=data if size <= limit else b"",
        content_id=cid,
        inline=disposition == "inline" or (disposition is None and cid is not None),
    )


# --- Auto-replies, bounces, tokens ---------------------------------------------------------------

_TICKET_REF = re.compile(r"\[(?:Pelatis\s*)?#(\d{1,12})\]", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(r"(?i)^\s*(?:automatic reply|auto[- ]?reply|out of office|autoreply|αυτόματη απάντηση|"
                           r"abwesenheitsnotiz|réponse automatique|risposta automatica|respuesta automática)\s*:")  # fmt: skip
_BOUNCE_SUBJECT = re.compile(r"(?i)undeliver|delivery status notification|returned mail|mail delivery (?:failed|failure)|"
                             r"failure notice|delivery (?:has )?failed|non[- ]?remis|unzustellbar|μη παράδοση")  # fmt: skip
_DAEMON = re.compile(r"(?i)\b(?:mailer-daemon|postmaster)\b")


def _auto(headers: dict[str, list[str]], report_types: set[str], subject: str) -> tuple[bool, str, bool]:
    """(is_auto, why, is_bounce) from RFC 3834 / RFC 3464 signals and the usual vendor headers."""

    def first(name: str) -> str:
        return (headers.get(name) or [""])[0].strip().lower()

    reasons: list[str] = []
    bounce = "delivery-status" in report_types or bool(headers.get("x-failed-recipients"))
    submitted = first("auto-submitted").split(";")[0].strip()
    if submitted and submitted != "no":
        reasons.append(f"Auto-Submitted: {submitted[:40]}")
    precedence = first("precedence")
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        reasons.append(f"Precedence: {precedence}" + (" with List-Id" if headers.get("list-id") else ""))
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-autogenerated"):
        if name in headers and first(name) not in ("no", "false", "0"):
            reasons.append(f"{name.title()} header")
    if report_types:
        reasons.append(f"multipart/report ({', '.join(sorted(report_types))})")
    senders = " ".join(headers.get("from", []) + headers.get("sender", []))
    null_sender = any(value.strip() == "<>" for value in headers.get("return-path", []))
    if _DAEMON.search(senders):
        reasons.append("sent by MAILER-DAEMON/postmaster")
        bounce = bounce or null_sender or bool(_BOUNCE_SUBJECT.search(subject))
    if null_sender:
        reasons.append("Return-Path: <>")
        bounce = bounce or bool(_BOUNCE_SUBJECT.search(subject))
    if _AUTO_SUBJECT.search(subject):
        reasons.append("auto-reply subject")
    if bounce and not reasons:
        reasons.append("X-Failed-Recipients header")
    return bool(reasons), _clean("; ".join(reasons)), bounce


# --- The whole message ----------------------------------------------------------------------------


def parse_message(raw: bytes, *, max_attachment_bytes: int = 20 * 1024 * 1024) -> ParsedMessage:
    """Parse one raw RFC 822 message. Raises ParseError only when raw is not mail at all."""
    raw = _clip(bytes(raw))
    msg = _tree(raw)
    headers = _raw_headers(msg)
    notes: list[str] = []

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    subject = _text_header(first("subject"), notes, "subject")
    senders = _address_list(headers.get("from", [])[:1], notes)
    from_name, from_email = senders[0] if senders else ("", "")
    if not senders:  # 'From: MAILER-DAEMON', no address at all: keep what it says as the name
        from_name = _text_header(first("from"), notes, "From")[:200]
    message_ids = _ids(headers.get("message-id", [])[:1])
    plain: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    report_types = _safe(lambda: _report_types(msg), set())
    for part in _safe(lambda: list(_leaves(msg)), [msg]):
        try:
            ctype = _safe(part.get_content_type, "")
            ctype = ctype if _MIME_TYPE.match(ctype) else "application/octet-stream"
            disposition = _safe(part.get_content_disposition, None)
            if ctype.startswith("multipart/"):  # a multipart whose boundary never came: read it as text
                ctype = "text/plain"
            is_body = ctype in ("text/plain", "text/html") and disposition != "attachment"
            if is_body and not _safe(part.get_filename, None):
                (htmls if ctype == "text/html" else plain).append(_part_text(part, ctype[5:], notes))
            else:
                attachments.append(_attachment(part, ctype, disposition, len(attachments) + 1,
                                               max_attachment_bytes, notes))  # fmt: skip
        except Exception as exc:  # one unreadable part must not cost the rest of the message
            notes.append(f"a {type(exc).__name__} left one part unread")
    html = _sanitise("\n".join(htmls)) if any(h.strip() for h in htmls) else ""
    text = "\n\n".join(p.strip("\n") for p in plain if p.strip()) or (_html_text(html) if html else "")
    visible = _visible(text) if text else ""
    is_auto, auto_reason, is_bounce = _auto(headers, report_types, subject)
    ref = _TICKET_REF.search(subject)
    recipients = {
        name: [addr for _, addr in _address_list(headers.get(name, []), notes)] for name in ("to", "cc")
    }
    reply_to = _address_list(headers.get("reply-to", [])[:1], notes)
    sample = (
        visible[:LANGUAGE_SAMPLE].rsplit(None, 1)[0] if len(visible) > LANGUAGE_SAMPLE else visible or subject
    )
    return ParsedMessage(
        message_id=message_ids[0] if message_ids else _synthetic_id(raw, headers),
        in_reply_to=_ids(headers.get("in-reply-to", [])),
        references=_ids(headers.get("references", [])),
        subject=subject,
        from_name=from_name,
        from_email=from_email,
        to=list(dict.fromkeys(recipients["to"])),
        cc=list(dict.fromkeys(recipients["cc"])),
        reply_to=reply_to[0][1] if reply_to else "",
        date=_date(first("date")),
        text=text,
        html=html,
        visible_text=visible,
        attachments=attachments,
        is_auto=is_auto,
        auto_reason=auto_reason,
        is_bounce=is_bounce,
        ticket_ref=int(ref[1]) if ref else None,
        language=_safe(lambda: lang.detect_language(sample), "und"),
        charset_note="; ".join(dict.fromkeys(notes)),
    )
