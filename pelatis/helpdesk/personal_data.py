"""What the help desk holds about a person, for the data-subject rights (``PERSONAL_DATA``, see
:mod:`pelatis.core.personaldata`): their tickets, the messages on them and the files attached.

Erasure keeps every ticket with its type, status, priority, team, dates and SLA figures (so the desk's
reports are unchanged) and removes what named the person or what they wrote: subjects and message texts
become the placeholder, addresses in the headers go, attachments are deleted (after the commit).
Messages on other customers' tickets that quote the person (their name, email or phone) are scrubbed,
and the search documents of every ticket touched are rebuilt.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from pelatis.core.files import stored_delete
from pelatis.core.personaldata import ErasureContext, ErasureReport, ExportFile, Section, scrub
from pelatis.core.personaltext import json_scrub, label, mentions_q
from pelatis.customers.locale_values import language_name
from pelatis.customers.models import Interaction
from pelatis.customers.personal_data import labels, person_ids, plain

from .models import Attachment, Message, Ticket, TicketEvent
from .search import search_index

TICKET_FIELDS = (
    "id",
    "subject",
    "type",
    "status",
    "priority",
    "channel",
    "language",
    "created_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
)
MESSAGE_FIELDS = (
    "ticket",
    "direction",
    "created_at",
    "from_email",
    "to",
    "cc",
    "subject",
    "text",
    "attachments",
)
_TEXT = ("subject", "body_text", "body_html", "visible_text", "from_email", "to", "cc")


def _export_name(attachment: Attachment) -> str:
    return f"{attachment.message_id}-{attachment.pk}-{attachment.filename}"


def _reader(attachment: Attachment) -> Any:
    def read() -> bytes:
        with attachment.file.open("rb") as handle:
            data: bytes = handle.read()
            return data

    return read


AUTO_MARKER = "[auto]"  # how our automatic emails (acknowledgement, follow-up) start their plain text


def _text(message: Message) -> tuple[str, bool]:
    """What the message says, without our marker for automatic emails; and whether it was automatic."""
    text = message.visible_text or message.body_text
    if message.direction != Message.Direction.INBOUND and text.startswith(AUTO_MARKER):
        return text[len(AUTO_MARKER) :].lstrip(), True
    return text, False


def _ticket_labels() -> dict[str, str]:
    return {
        **labels(Ticket, TICKET_FIELDS),
        "id": _("request"),
        "type_code": _("The kind as a code, for programs."),
        "status_code": _("The status as a code, for programs."),
        "channel_code": _("The channel as a code, for programs."),
        "language_code": _("The language as a code, for programs."),
        "created_at": _("received on"),
        "first_responded_at": _("first response"),
        "resolved_at": _("resolved"),
        "closed_at": _("closed"),
    }


def _message_labels() -> dict[str, str]:
    return {
        "ticket": _("request"),
        "direction": _("direction"),
        "direction_code": _("The direction as a code, for programs."),
        "created_at": _("when"),
        "from_email": _("from"),
        "to": _("recipients"),
        "cc": _("copy to"),
        "subject": _("subject"),
        "text": _("text"),
        "automatic": _("automatic"),
        "attachments": _("attachments"),
    }


def helpdesk_export(customer_id: int, language: str) -> list[Section]:
    """The person's tickets, every message on them (with its attachments as files)."""
    ids = person_ids(customer_id)
    tickets = list(Ticket.objects.filter(customer_id__in=ids).order_by("created_at", "id"))
    messages = list(
        Message.objects.filter(ticket__customer_id__in=ids)
        .prefetch_related("attachments")
        .order_by("ticket_id", "created_at", "id")
    )
    files = [
        ExportFile(_export_name(a), _reader(a), a.content_type or "application/octet-stream")
        for m in messages
        for a in m.attachments.all()
        if a.file
    ]
    return [
        Section(
            "tickets",
            _("Requests (tickets)"),
            [
                {
                    **{f: plain(getattr(t, f)) for f in TICKET_FIELDS},
                    "type": t.get_type_display(),
                    "type_code": t.type,
                    "status": t.get_status_display(),
                    "status_code": t.status,
                    "priority": t.get_priority_display(),
                    "channel": label(Interaction.Channel, t.channel),
                    "channel_code": t.channel,
                    "language": language_name(t.language, language) if t.language else "",
                    "language_code": t.language,
                }
                for t in tickets
            ],
            _ticket_labels(),
        ),
        Section(
            "messages",
            _("Messages"),
            [
                {
                    "ticket": m.ticket_id,
                    "direction": m.get_direction_display(),
                    "direction_code": m.direction,
                    "created_at": plain(m.created_at),
                    "from_email": m.from_email,
                    "to": plain(m.to),
                    "cc": plain(m.cc),
                    "subject": m.subject,
                    "text": _text(m)[0],
                    "automatic": _text(m)[1],
                    "attachments": [
                        f"files/messages/{_export_name(a)}" if a.file else a.filename
                        for a in m.attachments.all()
                    ],
                }
                for m in messages
            ],
            _message_labels(),
            files,
        ),
    ]


def helpdesk_erase(context: ErasureContext) -> ErasureReport:
    """Anonymise the person's tickets and messages, delete their attachments (on commit), scrub quotes of
    them elsewhere; ticket numbers, statuses, dates and SLA figures stay. Runs in the erasure's transaction."""
    ids = person_ids(context.customer_id)
    placeholder, terms = context.placeholder, context.terms
    report = ErasureReport()
    own = Message.objects.filter(ticket__customer_id__in=ids)
    attachments = Attachment.objects.filter(message__in=own)
    files = [name for name in attachments.exclude(file="").values_list("file", flat=True) if name]
    if files:  # after the commit, each on its own: one the store cannot delete now does not stop the rest
        transaction.on_commit(lambda: stored_delete(files))
    report.counts["attachments"] = attachments.update(filename=placeholder, file="")
    report.counts["tickets"] = Ticket.objects.filter(customer_id__in=ids).update(subject=placeholder)
    own_ids = list(own.values_list("pk", flat=True))
    report.counts["messages"] = Message.objects.filter(pk__in=own_ids).update(
        subject=Case(When(subject="", then=Value("")), default=Value(placeholder)),
        body_text=Case(When(body_text="", then=Value("")), default=Value(placeholder)),
        visible_text=Case(When(visible_text="", then=Value("")), default=Value(placeholder)),
        body_html="",
        from_email=Case(When(direction=Message.Direction.INBOUND, then=Value("")), default=F("from_email")),
        to=[],
        cc=[],
        email_context={},
        delivery_error="",
    )
    report.counts["history_notes"] = _events_scrub(terms, placeholder)
    quoted = _quotes_scrub(own_ids, terms, placeholder)
    report.counts["quotes_elsewhere"] = len(quoted)
    touched = set(Ticket.objects.filter(customer_id__in=ids).values_list("pk", flat=True)) | quoted
    search_index(ticket_ids=touched)
    return report


def _events_scrub(terms: frozenset[str], placeholder: str) -> int:
    """History entries (notes, old and new values) that name the person lose the name."""
    changed = []
    for event in TicketEvent.objects.filter(mentions_q(["note", "old", "new"], terms)).iterator(500):
        event.note = scrub(event.note, terms, placeholder)
        event.old = scrub(event.old, terms, placeholder)[:60]
        event.new = scrub(event.new, terms, placeholder)[:60]
        changed.append(event)
    TicketEvent.objects.bulk_update(changed, ["note", "old", "new"], batch_size=500)
    return len(changed)


def _quotes_scrub(own_ids: list[int], terms: frozenset[str], placeholder: str) -> set[int]:
    """Messages on other people's tickets that name the person: the names, emails and phones go."""
    tickets: set[int] = set()
    quoting = Message.objects.filter(mentions_q(_TEXT, terms)).exclude(pk__in=own_ids)
    batch: list[Message] = []
    for m in quoting.only("ticket_id", *_TEXT).iterator(500):
        for name in ("subject", "body_text", "body_html", "visible_text", "from_email"):
            setattr(m, name, scrub(getattr(m, name), terms, placeholder))
        m.to = json_scrub(m.to, terms, placeholder, text=scrub)
        m.cc = json_scrub(m.cc, terms, placeholder, text=scrub)
        batch.append(m)
        tickets.add(m.ticket_id)
    Message.objects.bulk_update(batch, list(_TEXT), batch_size=200)
    return tickets
