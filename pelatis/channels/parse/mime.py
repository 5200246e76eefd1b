"""The MIME tree: the message proper cut from an mbox line, parsed by the fastest parser that copes, walked
leaf by leaf; raw header values by name; ``safe`` for stdlib calls that trip over malformed input."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from typing import Any

from .parsed import ParseError

MAX_MIME_HEADER = 16 * 1024  # characters of a Content-Type/-Disposition header the structured parser reads


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
HEAD_END = re.compile(rb"\r?\n\r?\n")


def clip(raw: bytes) -> bytes:
    """The message proper: without an mbox 'From ' line or leading blank lines; ParseError if not mail."""
    raw = raw.lstrip(b"\r\n")
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2].lstrip(b"\r\n")
    if not raw.strip():
        raise ParseError("empty input")
    if not _HEADER_LINE.match(raw):
        raise ParseError("no header block: the first line is not a header field")
    end = HEAD_END.search(raw, 0, 256 * 1024)
    head = raw[: end.start() if end else 256 * 1024]
    if not any(name.lower() in _MAIL_FIELDS for name in _FIELD_NAMES.findall(head)):
        raise ParseError("no mail header field (From, To, Subject, Date, Message-ID, Received, ...)")
    return raw


def tree(raw: bytes) -> Message:
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


def leaves(msg: Message, depth: int = 0) -> Iterator[Message]:
    """Leaf parts in order; message/* parts (forwards, DSN reports) are leaves, not descended into."""
    if depth > 30 or not msg.is_multipart() or msg.get_content_maintype() == "message":
        yield msg
        return
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from leaves(sub, depth + 1)


def _multiparts(msg: Message, depth: int = 0) -> Iterator[Message]:
    if depth > 30 or not msg.is_multipart() or msg.get_content_maintype() == "message":
        return
    yield msg
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _multiparts(sub, depth + 1)


def report_types_in(msg: Message) -> set[str]:
    """report-type of every multipart/report in the tree: 'delivery-status' is a DSN, 'disposition-notification' an MDN."""
    return {str(part.get_param("report-type", "") or "unknown").lower()
            for part in _multiparts(msg) if part.get_content_type() == "multipart/report"}  # fmt: skip


def raw_headers(part: Message) -> dict[str, list[str]]:
    """Header values as they came (RFC 2047 still encoded, 8-bit bytes as surrogates), by lower-case name."""
    out: dict[str, list[str]] = {}
    for name, value in part.raw_items():
        out.setdefault(str(name).lower(), []).append(str(value))
    return out


def safe(call: Any, default: Any) -> Any:
    """call(), or default when the stdlib trips over a malformed header."""
    try:
        return call()
    except Exception:
        return default
