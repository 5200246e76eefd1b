"""Periodic jobs the worker runs: each finds what is due and enqueues or does it; each is idempotent.

Apps declare theirs as PERIODIC_JOBS in their ``hooks.py`` (these are channels'); the worker claims each due run in the database
(:mod:`pelatis.channels.claims`), so however many workers run, a job runs once per due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from pelatis.core.hooks import contributions_by_key
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.delivery import answered_tickets_q, tickets_mark_acknowledged
from pelatis.helpdesk.services.sla import sla_scan

from .imap import mailboxes_poll
from .outbound import outbound_due_ids
from .tasks import acknowledgement_send_task, follow_up_send_task, reply_email_send_task

RETRY_AFTER = dt.timedelta(minutes=2)
ACK_WINDOW = dt.timedelta(days=1)


def job_mail_poll() -> str:
    return "; ".join(mailboxes_poll()) or "no mailboxes"


def job_sla_scan() -> str:
    return f"{sla_scan()} newly breached"


def job_outbound_retry() -> str:
    """Emails whose next try is due (SMTP was down), whose task was lost (a crash between commit and
    enqueue) or whose sender died mid-send go again, each with the Message-ID it was queued with."""
    ids = outbound_due_ids(queued_for=RETRY_AFTER)
    for pk in ids:
        reply_email_send_task.enqueue(message_id=pk)
    return f"{len(ids)} replies retried"


def job_acknowledgements() -> str:
    """Acknowledgements whose task was lost; a ticket staff already answered is marked acknowledged
    instead (its customer has the answer, not a "we received your message" after it)."""
    now = timezone.now()
    waiting = Ticket.objects.filter(
        acknowledged_at__isnull=True,
        channel__in=["email", "web"],
        created_at__lt=now - RETRY_AFTER,
        created_at__gt=now - ACK_WINDOW,
    )
    answered = list(waiting.filter(answered_tickets_q()).values_list("pk", flat=True)[:1000])
    skipped = tickets_mark_acknowledged(ticket_ids=answered, now=now)
    ids = list(waiting.exclude(answered_tickets_q()).values_list("pk", flat=True)[:200])
    for pk in ids:
        acknowledgement_send_task.enqueue(ticket_id=pk)
    return f"{len(ids)} acknowledgements, {skipped} already answered"


def job_follow_ups() -> str:
    ids = list(
        Ticket.objects.filter(
            status=Ticket.Status.RESOLVED, follow_up_due__lte=timezone.now(), follow_up_sent_at__isnull=True
        ).values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        follow_up_send_task.enqueue(ticket_id=pk)
    return f"{len(ids)} follow-ups"


def periodic_jobs() -> dict[str, Callable[[], str]]:
    """Every periodic job of every installed app, by name."""
    return contributions_by_key("PERIODIC_JOBS")
