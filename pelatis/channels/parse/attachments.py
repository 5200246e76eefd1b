"""Attachments: a safe file name (RFC 2231, RFC 2047 or raw 8-bit), the content type checked against the
first bytes, forwarded messages and delivery reports kept as files, the size limit applied."""

from __future__ import annotations

import mimetypes
import re
from email import policy as email_policy
from email.message import Message
from urllib.parse import unquote_to_bytes

from .charsets import SURROGATE, clean, decode, noted
from .headers import FOLD, decode_words, header_str, id_list
from .mime import raw_headers, safe
from .parsed import Attachment

MIMES = mimetypes.MimeTypes()  # the stdlib table only: the same answer on every machine
_ZIP_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
              ".epub": "application/epub+zip", ".jar": "application/java-archive", ".zip": "application/zip"}  # fmt: skip
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),
          (b"MZ", "application/x-msdownload"))  # fmt: skip
_CHECKED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", *_ZIP_TYPES.values()})
MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\Z")
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
        guessed = MIMES.guess_type(filename, strict=False)[0]
        if guessed and guessed not in _CHECKED_TYPES:
            return guessed
    return declared or "application/octet-stream"


def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", FOLD.sub(" ", name)).strip(" ._")
    return name[:200]


_RFC2231 = re.compile(r"(?i)\b(?:file)?name\*(?:0\*)?\s*=\s*([^'\s;]*)'[^'\s;]*'([^\s;]+)")
_PLAIN_NAME = re.compile(r"""(?i)\b(?:file)?name\s*=\s*(?:"([^"]*)"|([^\s;]+))""")


def _filename(part: Message, headers: dict[str, list[str]], notes: list[str]) -> str:
    name = safe(part.get_filename, None)
    name = name if isinstance(name, str) else ""
    raw = " ".join(headers.get("content-disposition", []) + headers.get("content-type", []))
    if "\ufffd" in name or not name.isascii() and SURROGATE.search(name):
        encoded = _RFC2231.search(raw)
        plain = _PLAIN_NAME.search(raw)
        if encoded:
            name = noted(decode(unquote_to_bytes(encoded[2]), encoded[1] or None, "attachment name"), notes)
        elif plain:
            name = header_str(plain[1] or plain[2] or "", notes, "attachment name")
    if "=?" in name:
        name = decode_words(name, notes, "attachment name")
    return _safe_filename(clean(name))


def _serialised(part: Message) -> bytes:
    """A message/* part's content as bytes (a forwarded mail, a DSN status block)."""
    payload = safe(part.get_payload, None)
    blocks = payload if isinstance(payload, list) else [payload]
    out: list[bytes] = []
    for block in blocks:
        if isinstance(block, Message):
            out.append(safe(lambda b=block: b.as_bytes(policy=email_policy.compat32), b""))
        elif isinstance(block, str):
            out.append(block.encode("utf-8", "surrogateescape"))
    return b"\n".join(out)


def attachment_of(
    part: Message, ctype: str, disposition: str | None, number: int, limit: int, notes: list[str]
) -> Attachment:
    headers = raw_headers(part)
    filename = _filename(part, headers, notes)
    maintype, _, subtype = ctype.partition("/")
    if maintype == "message":
        data = _serialised(part)
        content_type = ctype
        filename = filename or (
            f"message-{number}.eml" if subtype in ("rfc822", "global") else f"{subtype}-{number}.txt"
        )
    else:
        data = safe(lambda: part.get_payload(decode=True), None)
        data = data if isinstance(data, bytes) else b""
        content_type = _sniff(data[:16], ctype, filename)
    if not filename:
        filename = f"attachment-{number}{MIMES.guess_extension(content_type, strict=False) or '.bin'}"
    content_id = id_list(headers.get("content-id", [])[:1])
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
