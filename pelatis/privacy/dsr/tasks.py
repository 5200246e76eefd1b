"""Background tasks of the request log: thin doors to its emails (ids only, never an address)."""

from __future__ import annotations

from django_tasks import task

from . import notices, portal


@task()
def portal_link_send_task(*, contact_point_id: int, kind: str, nonce: str) -> None:
    portal.link_send(contact_point_id=contact_point_id, kind=kind, nonce=nonce)


@task()
def extension_notice_task(*, request_id: int) -> None:
    notices.extension_notice_send(request_id)
