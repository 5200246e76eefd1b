"""Raw RFC 822 bytes to a ParsedMessage: headers, threading ids, bodies, attachments, auto/bounce flags.

Pure: no Django, no other app but pelatis.lang, no I/O. Transports fetch bytes; services.py files the result.
Nothing in here raises on bad mail except ParseError, and only for input that is not mail at all: a broken
charset, a truncated MIME tree or a garbled header costs that part, never the message.

By subject: :mod:`.mime` (the MIME tree), :mod:`.charsets`, :mod:`.headers`, :mod:`.bodies` (text, HTML,
quoted replies), :mod:`.attachments`, and :mod:`.message`, which puts them together.
"""

from __future__ import annotations

from .message import parse_message
from .parsed import Attachment, ParsedMessage, ParseError, ticket_token

__all__ = ["Attachment", "ParseError", "ParsedMessage", "parse_message", "ticket_token"]
