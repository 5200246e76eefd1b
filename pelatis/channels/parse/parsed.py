"""What parsing a mail gives: the ParsedMessage, its attachments, the one error, and the ticket token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
