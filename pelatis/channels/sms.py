"""Outgoing SMS through a gateway chosen in the settings, and what a text costs in parts.

``PELATIS_SMS_BACKEND`` picks the gateway:

- ``console`` (the default): each SMS is printed to standard output, its number masked (+30******4567);
- ``file``: one JSON line per SMS ({id, at, to, text, sender}) in ``PELATIS_SMS_DIR`` (a folder);
- ``http``: a generic HTTP gateway, ``POST PELATIS_SMS_URL`` with the JSON ``{to, text, sender}``,
  ``Authorization: Bearer PELATIS_SMS_TOKEN``, and a timeout (``PELATIS_SMS_TIMEOUT`` seconds).

Numbers go out in E.164 (``phonenumbers``; a national number is read in ``PELATIS_SMS_REGION``, GR by
default). :func:`sms_send` talks to the network: call it with no database transaction open.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

# GSM 03.38: the basic alphabet (one septet each) and the extension table (two septets each: escape + char).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


class SmsError(Exception):
    """The gateway did not take the SMS. ``refused`` is True when it refused this recipient or text for
    good (a retry would fail the same way), False for an outage, a timeout or a refused login."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class InvalidNumber(SmsError, ValueError):
    """The number is not a valid phone number."""

    def __init__(self, message: str) -> None:
        super().__init__(message, refused=True)


@dataclass(frozen=True)
class SmsSize:
    """How a text travels: its encoding (GSM-7 or UCS-2), its length in that encoding's units, the parts
    it is split into and how many units one part of a long message holds."""

    encoding: str
    length: int
    parts: int
    per_part: int


@dataclass(frozen=True)
class SmsResult:
    """What the gateway answered: its id for the message ("" when it gives none) and the number used."""

    gateway_id: str
    to: str


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, sender: str) -> str: ...


def sms_size(text: str) -> SmsSize:
    """The parts an SMS takes: GSM-7 holds 160 characters (153 per part when split); any character outside
    it (Greek lower case, emoji…) makes the whole text UCS-2, 70 characters (67 per part)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        length = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2  # UTF-16 code units: an emoji takes two
        single, multi, encoding = 70, 67, "UCS-2"
    if length <= single:
        return SmsSize(encoding=encoding, length=length, parts=1 if length else 0, per_part=single)
    return SmsSize(encoding=encoding, length=length, parts=-(-length // multi), per_part=multi)


def sms_max_parts() -> int:
    """Parts above which a template is warned about (PELATIS_SMS_MAX_PARTS, default 3)."""
    return int(getattr(settings, "PELATIS_SMS_MAX_PARTS", 3))


def sms_number(raw: str) -> str:
    """``raw`` as E.164 (+306971234567); a national number is read in PELATIS_SMS_REGION (default GR)."""
    region = str(getattr(settings, "PELATIS_SMS_REGION", "GR") or "GR")
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """True for a number that can receive SMS (mobile, or a plan where fixed and mobile look alike)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(number) in kinds


def masked(e164: str) -> str:
    """A number as logs may show it: the country code and the last four digits (+30******4567)."""
    if len(e164) <= 7:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 7) + e164[-4:]


def sms_timeout() -> float:
    """Seconds the HTTP gateway may keep us waiting (PELATIS_SMS_TIMEOUT, default 10)."""
    return float(getattr(settings, "PELATIS_SMS_TIMEOUT", 10) or 10)


def sms_sender() -> str:
    """The sender name or number shown to customers (PELATIS_SMS_SENDER; "" lets the gateway choose)."""
    return str(getattr(settings, "PELATIS_SMS_SENDER", "") or "")


# --- the gateways ---------------------------------------------------------------------------------------


class ConsoleBackend:
    """Prints each SMS (its number masked, +30******4567) to standard output, as Django's console email
    backend does: for development and trial set-ups, nothing leaves the machine."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str, sender: str) -> str:
        size = sms_size(text)
        gateway_id = uuid.uuid4().hex
        self.stream.write(
            f"SMS {gateway_id} to {masked(to)} from {sender or '-'} ({size.encoding}, {size.parts} part(s))\n"
            f"{text}\n{'-' * 40}\n"
        )
        self.stream.flush()
        return gateway_id


class FileBackend:
    """Appends one JSON line per SMS to ``sms-YYYYMMDD.jsonl`` in PELATIS_SMS_DIR."""

    def __init__(self, folder: str | Path) -> None:
        if not str(folder):
            raise ImproperlyConfigured("PELATIS_SMS_DIR must name a folder for the file SMS backend")
        self.folder = Path(folder)

    def send(self, *, to: str, text: str, sender: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        gateway_id = uuid.uuid4().hex
        line = json.dumps(
            {"id": gateway_id, "at": now.isoformat(), "to": to, "text": text, "sender": sender},
            ensure_ascii=False,
        )
        path = self.folder / f"sms-{now:%Y%m%d}.jsonl"
        # One write of one line in append mode: lines from several processes never interleave.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return gateway_id


class HttpBackend:
    """A generic HTTP gateway: POST {to, text, sender} as JSON with a bearer token; any 2xx is accepted
    (the answer's "id", "message_id" or "sid" is kept); 4xx other than 401/403/408/429 refuses the SMS."""

    def __init__(self, url: str, token: str, timeout: float) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured("PELATIS_SMS_URL must be an http:// or https:// URL")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, *, to: str, text: str, sender: str) -> str:
        body = json.dumps({"to": to, "text": text, "sender": sender}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 — the scheme is checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 — as above
                answer = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            refused = 400 <= exc.code < 500 and exc.code not in (401, 403, 408, 429)
            raise SmsError(f"SMS gateway answered HTTP {exc.code}", refused=refused) from exc
        except (urllib.error.URLError, OSError) as exc:  # refused connection, DNS, timeout
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway unreachable: {reason}") from exc
        return _gateway_id(answer)


def _gateway_id(answer: bytes) -> str:
    try:
        data = json.loads(answer.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    for name in ("id", "message_id", "sid"):
        if data.get(name):
            return str(data[name])[:100]
    return ""


def sms_backend() -> SmsBackend:
    """The gateway PELATIS_SMS_BACKEND names (console, file or http)."""
    name = str(getattr(settings, "PELATIS_SMS_BACKEND", "console") or "console").lower()
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(str(getattr(settings, "PELATIS_SMS_DIR", "") or ""))
    if name == "http":
        return HttpBackend(
            str(getattr(settings, "PELATIS_SMS_URL", "") or ""),
            str(getattr(settings, "PELATIS_SMS_TOKEN", "") or ""),
            sms_timeout(),
        )
    raise ImproperlyConfigured(f"PELATIS_SMS_BACKEND must be console, file or http, not {name!r}")


def sms_send(*, to: str, text: str, sender: str | None = None) -> SmsResult:
    """Send one SMS now. Raises InvalidNumber for a number that is not one, SmsError when the gateway
    does not take it. Talks to the network: call it with no database transaction open."""
    number = sms_number(to)
    if not text.strip():
        raise SmsError("the text is empty", refused=True)
    gateway_id = sms_backend().send(to=number, text=text, sender=sms_sender() if sender is None else sender)
    log.info("SMS to %s taken by the gateway (%s part(s))", masked(number), sms_size(text).parts)
    return SmsResult(gateway_id=gateway_id, to=number)
