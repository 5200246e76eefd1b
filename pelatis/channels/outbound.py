"""Outbound email: agent replies, acknowledgements and follow-ups, threaded so the customer's mail client
keeps one conversation and their answer finds its ticket again.

Every email about a ticket is a Message row first (queued, with the Message-ID it keeps for good), then:
claim (a short transaction: queued → sending), send with no transaction open and a timeout, record
(a second short transaction: sent, or failed with the time of the next try). No database lock is held
while a mail server is being talked to, and a crash at any point neither loses the email nor sends it
under a new Message-ID: a message left "sending" by a dead worker is sent again with the same one, which
receiving servers and our own ingestion recognise.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation

from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.delivery import (
    AutoEmail,
    message_claim,
    message_mark_failed,
    message_mark_sent,
    messages_requeue_interrupted,
    ticket_acknowledgement_queue,
    ticket_follow_up_queue,
    ticket_recipient_email,
)

from . import claims
from .customers import customer_zone
from .mail import customer_greeting, email_build, email_subject, email_timeout
from .mail import mail_connection as mail_connection  # feedback's surveys import it from here
from .parse import ticket_token

log = logging.getLogger(__name__)
SUPPORTED = {"el", "en"}
FIRST_RETRY = dt.timedelta(minutes=2)  # then 4, 8, 16 … minutes
LAST_RETRY = dt.timedelta(hours=6)  # the longest wait between two tries


def max_attempts() -> int:
    """Tries before an email is given up and shown as not delivered (PELATIS_EMAIL_MAX_ATTEMPTS)."""
    return int(getattr(settings, "PELATIS_EMAIL_MAX_ATTEMPTS", 8))


def sending_lease() -> dt.timedelta:
    """How long a message may stay "sending" before it counts as interrupted (the sender died)."""
    return dt.timedelta(seconds=max(60.0, 3 * email_timeout()))


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: 2, 4, 8 … minutes, at most LAST_RETRY."""
    doublings: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_RETRY * doublings, LAST_RETRY)


def _language(ticket: Ticket) -> str:
    code = (ticket.customer.language or ticket.language or settings.LANGUAGE_CODE)[:2]
    return code if code in SUPPORTED else "en"


def _thread_headers(ticket: Ticket, *, before: Message | None = None) -> dict[str, str]:
    """In-Reply-To and References from the ticket's earlier messages (those before ``before``)."""
    messages = ticket.messages.exclude(message_id__isnull=True).exclude(message_id="")
    if before is not None:
        messages = messages.exclude(pk=before.pk).filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk)
        )
    ids = [
        (str(mid), direction)
        for mid, direction in messages.order_by("created_at", "id").values_list("message_id", "direction")
    ]
    if not ids:
        return {}
    last_in = [mid for mid, direction in ids if direction == Message.Direction.INBOUND]
    return {
        "In-Reply-To": (last_in or [ids[-1][0]])[-1],
        "References": " ".join(mid for mid, _d in ids[-20:]),
    }


def ticket_email_build(
    ticket: Ticket,
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
    message_id: str,
    to: str,
    headers: dict[str, str],
    unsubscribe_url: str | None = None,
) -> EmailMultiAlternatives:
    """An email about a ticket: its token in the subject, greeting, ticket and token in the templates'
    context, in the customer's language; ``context["auto"]`` is its Auto-Submitted value (default "no")."""
    language = _language(ticket)
    token = ticket_token(ticket.pk)
    return email_build(
        to=to,
        subject=f"{subject} {token}",
        template=template,
        context={
            "ticket": ticket,
            "token": token,
            "greeting": customer_greeting(ticket.customer, language=language),
            **context,
        },
        language=language,
        message_id=message_id,
        auto=str(context.get("auto", "no")),
        unsubscribe_url=unsubscribe_url,
        headers=headers,
    )


def ticket_email_send(
    ticket: Ticket,
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str | None = None,
) -> str:
    """Send an email about a ticket now (threaded, in the customer's language); returns its Message-ID.

    Other apps (feedback surveys) use this; ``template`` names channels/email/<template>.txt/.html
    or another app's templates with a path prefix; ``context["auto"]`` sets Auto-Submitted and
    ``unsubscribe_url`` the one-click List-Unsubscribe. Talks to the mail server: call it with no
    transaction open, after the caller's claim has committed.
    """
    mid = Message.new_message_id()
    ticket_email_build(
        ticket,
        subject=subject,
        template=template,
        context=context,
        message_id=mid,
        to=ticket_recipient_email(ticket),
        headers=_thread_headers(ticket),
        unsubscribe_url=unsubscribe_url,
    ).send()
    return mid


# --- the outbox: claim, send, record -------------------------------------------------------------------


def outbound_resolve_interrupted(*, message_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Messages left "sending" by a sender that died (its worker is gone, or the lease ran out) are queued
    again with their Message-ID, or given up when they had all their tries. Returns how many."""
    now = now or timezone.now()
    return messages_requeue_interrupted(
        stale_before=now - sending_lease(),
        dead_workers=claims.dead_worker_ids(now=now),
        max_attempts=max_attempts(),
        message_id=message_id,
        now=now,
    )


def _build(message: Message) -> EmailMultiAlternatives:
    ticket = message.ticket
    if message.email_template:
        subject, template, context = message.subject, message.email_template, dict(message.email_context)
    else:
        # An agent's reply: the agent's text is the whole letter (greeting and signature come from the
        # canned reply or the agent), so nothing is added around it.
        subject = (
            ticket.subject if ticket.subject.lower().startswith(("re:", "απ:")) else f"Re: {ticket.subject}"
        )
        template, context = "reply", {"body": message.body_text}
    return ticket_email_build(
        ticket,
        subject=subject,
        template=template,
        context=context,
        message_id=message.message_id or "",
        to=(message.to or [""])[0],
        headers=_thread_headers(ticket, before=message),
    )


def message_deliver(message_id: int) -> str:
    """Send one outbound message if it is due: claim, send (no transaction open), record.

    Returns the message's delivery state afterwards; a second call while it is sent or being sent
    does nothing, so a task that runs twice sends nothing twice.
    """
    outbound_resolve_interrupted(message_id=message_id)
    message = message_claim(message_id=message_id, by=claims.worker_id())
    if message is None:
        return Message.objects.filter(pk=message_id).values_list("delivery", flat=True).first() or ""
    try:
        if not (message.to and message.to[0]):
            raise ValueError("no email address for the customer")
        _build(message).send()
    except Exception as exc:  # the server is down, slow or refuses; a template broke: tried again later
        # The class and SMTP code only: a server's refusal quotes the recipient's address (the whole
        # error is kept on the message, where erasure reaches it; logs are not).
        log.warning(
            "email %s not sent (try %s): %s %s",
            message.pk,
            message.attempts,
            exc.__class__.__name__,
            getattr(exc, "smtp_code", ""),
        )
        error = f"{exc.__class__.__name__}: {exc}".strip(": ")[:300]
        last = message.attempts >= max_attempts()
        message_mark_failed(
            message=message,
            error=error,
            next_attempt_at=None if last else timezone.now() + retry_delay(message.attempts),
        )
        return Message.Delivery.FAILED
    message_mark_sent(message_id=message.pk)
    return Message.Delivery.SENT


def reply_email_send(message_id: int) -> None:
    """Send a queued agent reply once: a second call (a retry) finds it sent and does nothing."""
    message_deliver(message_id)


def outbound_due_ids(
    *, now: dt.datetime | None = None, queued_for: dt.timedelta = FIRST_RETRY, limit: int = 200
) -> list[int]:
    """Messages to (re)send now: failed ones whose next try is due, and queued ones whose task was lost
    (still queued after ``queued_for``); interrupted ones are queued again first."""
    now = now or timezone.now()
    outbound_resolve_interrupted(now=now)
    retry = Q(delivery=Message.Delivery.FAILED, next_attempt_at__lte=now)
    lost = Q(delivery=Message.Delivery.QUEUED) & (
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lt=now - queued_for)
    )
    return list(
        Message.objects.filter(retry | lost, direction=Message.Direction.OUTBOUND)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


# --- automatic emails: queued as messages, then delivered ----------------------------------------------


def acknowledgement_queue(*, ticket_id: int) -> None:
    """After the new ticket commits, tell the customer we have it and when to expect an answer."""
    from .tasks import acknowledgement_send_task

    transaction.on_commit(lambda: acknowledgement_send_task.enqueue(ticket_id=ticket_id))


def acknowledgement_send(ticket_id: int) -> None:
    """The automatic acknowledgement, once per ticket: queued as a message (committed), then sent."""
    message = ticket_acknowledgement_queue(ticket_id=ticket_id, compose=_acknowledgement)
    if message is not None:
        message_deliver(message.pk)


def _acknowledgement(ticket: Ticket) -> AutoEmail:
    """We have your message, and when to expect an answer (the first-response deadline, in their zone)."""
    language, due, when = _language(ticket), ticket.first_response_due, ""
    if due is not None:
        local = timezone.localtime(due, timezone=customer_zone(ticket.customer.time_zone))
        with translation.override(language):
            when = f"{formats.date_format(local, 'l j E')} {formats.time_format(local, 'H:i')}"
    subject = email_subject(template="acknowledgement", context={}, language=language)
    return AutoEmail(
        subject=subject,
        body=f"[auto] {subject} {when}".strip(),
        template="acknowledgement",
        context={"when": when, "auto": "auto-replied"},
    )


def follow_up_send(ticket_id: int) -> None:
    """After resolution, ask once whether the answer solved it, in the customer's language."""
    message = ticket_follow_up_queue(ticket_id=ticket_id, compose=_follow_up)
    if message is not None:
        message_deliver(message.pk)


def _follow_up(ticket: Ticket) -> AutoEmail:
    subject = email_subject(template="follow_up", context={}, language=_language(ticket))
    return AutoEmail(
        subject=subject, body=f"[auto] {subject}", template="follow_up", context={"auto": "auto-generated"}
    )
