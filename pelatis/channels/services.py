"""Inbound email → customers and tickets: dedupe, thread, attach, quarantine.

Threading, most certain first: the Message-ID already stored (a duplicate);
In-Reply-To / References naming a stored message; a stored message that
replies to this one (the reply came first); the ticket token [#id] in the
subject when the sender is that ticket's customer; the same sender and
subject on a ticket of that customer active in the last days, whose
requester is verified (a web-form request made in someone's name never
catches their mail by its subject). Anything else is a new ticket:
unrelated mail is never merged. Mail from the address a web-form request
named, threaded into that request, proves the address.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.delivery import (
    StoredFile,
    attachment_files_discard,
    attachment_files_store,
    message_attach,
)
from pelatis.helpdesk.services.requester import (
    VERIFIED_BY_MAIL,
    ticket_requester_email,
    ticket_requester_verify,
)
from pelatis.helpdesk.services.routing import ticket_set_team
from pelatis.helpdesk.services.tickets import InboundMail, message_receive, ticket_open

from .customers import customer_by_email, customer_create_from_contact
from .models import QuarantinedMail
from .parse import ParsedMessage, ParseError, parse_message

log = logging.getLogger(__name__)

SUBJECT_WINDOW = dt.timedelta(days=7)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Kept out of the attachment store whatever the sender calls them.
BLOCKED_TYPES = {
    "application/x-msdownload",
    "application/x-dosexec",
    "application/x-sh",
    "application/java-archive",
}
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|rif|tr|απ|σχετ|προωθ)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
_TOKEN = re.compile(r"\[(?:[^\]#]*\s)?#\d+\]\s*")


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # "ticket", "reply", "duplicate", "ignored", "quarantined"
    ticket_id: int | None = None
    message_id: int | None = None
    reason: str = ""


def subject_key(subject: str) -> str:
    """The subject without Re:/Fwd:/ΑΠ: prefixes and ticket tokens, case-folded, for the subject window."""
    return " ".join(_TOKEN.sub("", _REPLY_PREFIX.sub("", subject or "")).split()).casefold()


def mail_ingest(raw: bytes, *, team_id: int | None = None) -> IngestResult:
    """Take in one RFC 822 message. Never raises for bad mail: it is quarantined with the reason."""
    try:
        parsed = parse_message(raw, max_attachment_bytes=MAX_ATTACHMENT_BYTES)
    except ParseError as exc:
        return _quarantine(raw, f"unreadable: {exc}")
    # The files go to the file storage first, outside the transaction (no upload while rows are locked),
    # and are deleted again when the message is not kept.
    files = attachment_files_store(_attachment_files(parsed))
    kept = False
    try:
        result = _ingest(parsed, team_id=team_id, files=files)
        kept = result.outcome in ("ticket", "reply")
    except IntegrityError:
        # Two deliveries of the same message racing: the other one stored it.
        if parsed.message_id and Message.objects.filter(message_id=parsed.message_id).exists():
            return IngestResult("duplicate", reason="delivered twice")
        raise
    except ValidationError as exc:
        return _quarantine(raw, f"rejected: {'; '.join(exc.messages)[:250]}")
    finally:
        if not kept:
            attachment_files_discard(files)
    if result.outcome == "ignored":
        # Auto-replies and bounces that answer nothing we sent must not open
        # tickets (or be answered, starting a loop); they are kept for a look.
        QuarantinedMail.objects.create(
            raw=raw, reason=f"ignored: {result.reason} from {parsed.from_email or 'unknown'}"[:300]
        )
    return result


def _quarantine(raw: bytes, reason: str) -> IngestResult:
    QuarantinedMail.objects.create(raw=raw, reason=reason[:300])
    # Only the kind of reason (unreadable, rejected): its text may quote the sender's address or headers.
    log.warning("mail quarantined: %s", reason.partition(":")[0])
    return IngestResult("quarantined", reason=reason)


def _thread(parsed: ParsedMessage, customer: Customer | None) -> Ticket | None:
    refs = [r for r in [*parsed.in_reply_to, *reversed(parsed.references)] if r]
    if refs:
        hit = Message.objects.filter(message_id__in=refs).select_related("ticket").first()
        if hit is not None:
            return _survivor(hit.ticket)
    if parsed.message_id:
        child = Message.objects.filter(in_reply_to=parsed.message_id).select_related("ticket").first()
        if child is not None:
            return _survivor(child.ticket)
    if customer is None:
        return None
    if parsed.ticket_ref:
        ticket = Ticket.objects.filter(pk=parsed.ticket_ref, customer=customer).first()
        if ticket is not None:
            return _survivor(ticket)
    key = subject_key(parsed.subject)
    if key:
        since = timezone.now() - SUBJECT_WINDOW
        candidates = Ticket.objects.filter(
            customer=customer,
            updated_at__gte=since,
            merged_into__isnull=True,
            requester_verified_at__isnull=False,
        )
        for ticket in candidates[:20]:
            if subject_key(ticket.subject) == key:
                return ticket
    return None


def _survivor(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


@transaction.atomic
def _ingest(parsed: ParsedMessage, *, team_id: int | None, files: list[StoredFile]) -> IngestResult:
    if parsed.message_id and Message.objects.filter(message_id=parsed.message_id).exists():
        return IngestResult("duplicate", reason="already stored")
    customer = customer_by_email(parsed.from_email) if parsed.from_email else None
    ticket = _thread(parsed, customer)
    mail = InboundMail(
        body_text=parsed.text,
        subject=parsed.subject,
        body_html=parsed.html,
        visible_text=parsed.visible_text,
        from_email=parsed.from_email,
        to=parsed.to,
        cc=parsed.cc,
        message_id=parsed.message_id or None,
        in_reply_to=parsed.in_reply_to[0] if parsed.in_reply_to else "",
        references=parsed.references,
        language=parsed.language if parsed.language != "und" else "",
        is_auto=parsed.is_auto,
    )
    if ticket is not None:
        message = message_receive(ticket=ticket, mail=mail)
        _attachments(message, files)
        if (
            ticket.requester_verified_at is None
            and not parsed.is_auto
            and parsed.from_email.lower() == ticket_requester_email(ticket).lower()
        ):
            ticket_requester_verify(ticket_id=ticket.pk, how=VERIFIED_BY_MAIL)
        return IngestResult("reply", ticket_id=ticket.pk, message_id=message.pk)
    if parsed.is_auto:
        return IngestResult("ignored", reason=parsed.auto_reason or "automatic mail")
    if not parsed.from_email:
        raise ValidationError("no sender address")
    if customer is None:
        language = parsed.language if parsed.language not in ("", "und") else "el"
        customer = customer_create_from_contact(
            email=parsed.from_email, name=parsed.from_name, language=language
        )
    if not (mail.body_text.strip() or mail.body_html.strip()):
        mail.body_text = mail.visible_text = "(" + (parsed.subject or "no text") + ")"
    ticket, message = ticket_open(
        customer=customer,
        subject=parsed.subject,
        mail=mail,
        channel="email",
        language=mail.language or customer.language,
    )
    if team_id is not None:  # the mailbox's team, over what routing chose
        ticket_set_team(ticket=ticket, team_id=team_id)
    _attachments(message, files)
    from .outbound import acknowledgement_queue

    acknowledgement_queue(ticket_id=ticket.pk)
    return IngestResult("ticket", ticket_id=ticket.pk, message_id=message.pk)


def _attachment_files(parsed: ParsedMessage) -> list[StoredFile]:
    """The message's files, each with the reason it is not kept, if any (too large, a blocked type)."""
    files = []
    for item in parsed.attachments:
        rejected = ""
        if item.size > MAX_ATTACHMENT_BYTES or (item.size and not item.data):
            rejected = f"larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"
        elif item.content_type in BLOCKED_TYPES:
            rejected = f"blocked file type {item.content_type}"
        files.append(StoredFile(item.filename, item.content_type, item.size, item.data, rejected=rejected))
    return files


def _attachments(message: Message, files: list[StoredFile]) -> None:
    if files:
        message_attach(message=message, files=files)
