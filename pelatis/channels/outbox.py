"""The in-app outbox: with no mail server configured (PELATIS_EMAIL_HOST unset), outgoing email is kept
in the database instead of failing, and staff read it as the customer would have received it.

``OutboxBackend`` is a Django email backend, so every sender (replies, acknowledgements, surveys,
password resets) reaches it unchanged; a message stored here counts as sent.
"""

from __future__ import annotations

import email
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage as ParsedEmail
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage

OUTBOX_BACKEND = "pelatis.channels.outbox.OutboxBackend"


def _parse(raw: bytes) -> ParsedEmail:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(parsed, ParsedEmail):  # policy.default always makes an EmailMessage
        raise TypeError(f"unexpected message class {type(parsed).__name__}")
    return parsed


class OutboxBackend(BaseEmailBackend):
    """Stores each message (raw RFC 822 bytes, decoded headers, recipients, subject, Message-ID)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                outbox_store(message)
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            stored += 1
        return stored


def outbox_store(message: EmailMessage) -> OutboxMessage:
    """Keep one email in the outbox (one INSERT: it is there whole or not at all)."""
    # Django 5.2's message() is a SafeMIME part (MIMEMixin.as_bytes takes linesep); the stubs describe 6.0's.
    raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # see the line above
    parsed = _parse(raw)
    headers = [[str(name), str(value)] for name, value in parsed.items()]
    return OutboxMessage.objects.create(
        message_id=str(parsed.get("Message-ID", "")).strip()[:250],
        from_email=str(message.from_email or "")[:254],
        to=list(message.recipients()),
        subject=str(parsed.get("Subject", ""))[:300],
        headers=headers,
        raw=raw,
    )


def mail_mode() -> str:
    """ "outbox" (kept in the app), "smtp" (sent to PELATIS_EMAIL_HOST) or "other" (a backend set by name)."""
    backend = settings.EMAIL_BACKEND
    if backend == OUTBOX_BACKEND:
        return "outbox"
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return "smtp"
    return "other"


@dataclass
class Rendered:
    """An outbox email as the customer's mail client shows it."""

    headers: list[tuple[str, str]]
    text: str = ""
    html: str = ""
    attachments: list[tuple[str, str, int]] = field(default_factory=list)  # filename, type, bytes


def outbox_render(item: OutboxMessage) -> Rendered:
    """The text and HTML parts, the headers and the attachments of a stored email."""
    parsed = _parse(bytes(item.raw))
    rendered = Rendered(headers=[(str(k), str(v)) for k, v in parsed.items()])
    for kind in ("plain", "html"):
        part: Any = parsed.get_body(preferencelist=(kind,))
        if part is not None:
            content = part.get_content()
            if kind == "plain":
                rendered.text = str(content)
            else:
                rendered.html = str(content)
    for part in parsed.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        rendered.attachments.append((part.get_filename() or "", part.get_content_type(), len(payload)))
    return rendered
