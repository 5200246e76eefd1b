"""What channels holds about a person, for the data-subject rights (``PERSONAL_DATA``, see
:mod:`pelatis.core.personaldata`): copies of the emails sent to them kept in the in-app outbox, and mail
from them that could not be taken in (quarantine).

Both are copies: the facts (a ticket's reply, a campaign's send) are kept by the app that sent them, so
erasure deletes these copies outright. Web-form and portal requests, calls and visits are tickets and
timeline entries (helpdesk and customers erase those).
"""

from __future__ import annotations

import email
from collections.abc import Callable, Iterable, Iterator
from email import policy

from django.utils.translation import gettext as _

from pelatis.core.personaldata import ErasureContext, ErasureReport, ExportFile, Section, scrub
from pelatis.core.personaltext import mentions_q
from pelatis.customers.personal_data import customers_terms, plain

from .models import JobRun, Mailbox, OutboxMessage, QuarantinedMail

_OUTBOX_TEXT = ("to", "subject", "headers", "from_email")


def _raw_mentions(raw: bytes, terms: Iterable[str]) -> bool:
    """Whether an RFC 822 message names the person: in its bytes, or in its decoded headers and text."""
    folded = raw.lower()
    wanted = [t.casefold() for t in terms]
    if any(t.encode("utf-8") in folded for t in wanted):
        return True
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = [str(v) for v in message.values()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts.append(str(part.get_content()))
    except Exception:  # quarantined mail is there because something in it was wrong
        return False
    text = "\n".join(parts).casefold()
    return any(t in text for t in wanted)


def _quarantined(terms: set[str]) -> Iterator[QuarantinedMail]:
    """Quarantined mail naming the person. The quarantine is small (retention purges it): read whole."""
    for mail in QuarantinedMail.objects.order_by("pk").iterator(100):
        if terms and _raw_mentions(bytes(mail.raw), terms):
            yield mail


def _outbox(terms: set[str]) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(mentions_q(_OUTBOX_TEXT, terms)).order_by("created_at", "id"))


def channels_export(customer_id: int, language: str) -> list[Section]:
    """The outbox's copies of emails to the person, and quarantined mail from them (as .eml files)."""
    terms = customers_terms(customer_id)
    outbox = _outbox(terms)
    quarantined = list(_quarantined(terms))
    return [
        Section(
            "outbox",
            _("Emails sent (outbox copies)"),
            [
                {
                    "created_at": plain(m.created_at),
                    "from_email": m.from_email,
                    "to": plain(m.to),
                    "subject": m.subject,
                    "file": f"files/outbox/{m.pk}.eml",
                }
                for m in outbox
            ],
            {
                "created_at": _("sent on"),
                "from_email": _("from"),
                "to": _("recipients"),
                "subject": _("subject"),
                "file": _("the email as sent"),
            },
            [ExportFile(f"{m.pk}.eml", _bytes(bytes(m.raw)), "message/rfc822") for m in outbox],
        ),
        Section(
            "quarantined_mail",
            _("Emails received but not taken in"),
            [
                {
                    "received_at": plain(q.received_at),
                    "reason": q.reason,
                    "file": f"files/quarantined_mail/{q.pk}.eml",
                }
                for q in quarantined
            ],
            {"received_at": _("received on"), "reason": _("why"), "file": _("the email as received")},
            [ExportFile(f"{q.pk}.eml", _bytes(bytes(q.raw)), "message/rfc822") for q in quarantined],
        ),
    ]


def _bytes(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def channels_erase(context: ErasureContext) -> ErasureReport:
    """Delete the outbox copies of emails to the person and quarantined mail from them."""
    terms = set(context.terms)
    report = ErasureReport()
    outbox = [m.pk for m in _outbox(terms)]
    report.counts["outbox_emails"] = OutboxMessage.objects.filter(pk__in=outbox).delete()[0]
    quarantined = [q.pk for q in _quarantined(terms)]
    report.counts["quarantined_emails"] = QuarantinedMail.objects.filter(pk__in=quarantined).delete()[0]
    report.counts["job_messages"] = _job_messages_scrub(context.terms, context.placeholder)
    return report


def _job_messages_scrub(terms: frozenset[str], placeholder: str) -> int:
    """A worker's or mailbox's last error may quote an address (a refused recipient): scrub the person."""
    done = 0
    for job in JobRun.objects.filter(mentions_q(("last_result", "last_error"), terms)).iterator(100):
        job.last_result = scrub(job.last_result, terms, placeholder)[:300]
        job.last_error = scrub(job.last_error, terms, placeholder)
        job.save(update_fields=["last_result", "last_error"])
        done += 1
    for box in Mailbox.objects.filter(mentions_q(("last_error",), terms)).iterator(100):
        box.last_error = scrub(box.last_error, terms, placeholder)[:300]
        box.save(update_fields=["last_error"])
        done += 1
    return done
