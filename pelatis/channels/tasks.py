"""Background tasks of the channels: thin doors that look up ids and call a service.

Each is idempotent: the service checks the row's state under a lock, so a task
that runs twice (a retry after a crash) sends nothing twice.
"""

from __future__ import annotations

from django_tasks import task

from . import outbound


@task()
def reply_email_send_task(*, message_id: int) -> None:
    """Deliver one outbound message (a reply, an acknowledgement, a follow-up): claim, send, record."""
    outbound.message_deliver(message_id)


@task()
def acknowledgement_send_task(*, ticket_id: int) -> None:
    outbound.acknowledgement_send(ticket_id)


@task()
def follow_up_send_task(*, ticket_id: int) -> None:
    outbound.follow_up_send(ticket_id)


def reply_email_enqueue(message_id: int) -> None:
    """Registered with helpdesk as an outbound sender (called after commit)."""
    reply_email_send_task.enqueue(message_id=message_id)
