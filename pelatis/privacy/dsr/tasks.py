"""Background task of the request log: a thin door to the portal's link email (ids only, no address)."""

from __future__ import annotations

from django_tasks import task

from . import portal


@task()
def portal_link_send_task(*, contact_point_id: int, kind: str, nonce: str) -> None:
    portal.link_send(contact_point_id=contact_point_id, kind=kind, nonce=nonce)
