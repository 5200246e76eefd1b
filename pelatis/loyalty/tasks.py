"""Background tasks of loyalty: thin doors that look up ids and call a service."""

from __future__ import annotations

from django_tasks import task

from .services.bonuses import feedback_bonuses
from .services.orders import loyalty_orders_sync


@task()
def loyalty_orders_sync_task(*, order_ids: list[int]) -> None:
    """Earn or give back the points of these orders; a second run for the same orders is a no-op."""
    loyalty_orders_sync(order_ids=order_ids)


@task()
def loyalty_feedback_bonus_task(*, kind: str, customer_id: int, object_id: int, is_compliment: bool) -> None:
    """The survey and compliment bonuses of one answer or review; a second run adds nothing (keyed)."""
    feedback_bonuses(kind=kind, customer_id=customer_id, object_id=object_id, is_compliment=is_compliment)
