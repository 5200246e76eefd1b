"""Background tasks of loyalty: thin doors that look up ids and call a service."""

from __future__ import annotations

from django_tasks import task

from .services.bonuses import feedback_bonuses
from .services.orders import BATCH, loyalty_orders_sync
from .services.tiers import tiers_evaluate


@task()
def loyalty_orders_sync_task(*, order_ids: list[int]) -> None:
    """Earn or give back the points of these orders, then review the tiers of their customers, so a tier
    follows a new order at once rather than at the next periodic review; a second run changes nothing."""
    customer_ids = sorted(loyalty_orders_sync(order_ids=order_ids).customer_ids)
    for start in range(0, len(customer_ids), BATCH):
        tiers_evaluate(customer_ids=customer_ids[start : start + BATCH])


@task()
def loyalty_feedback_bonus_task(*, kind: str, customer_id: int, object_id: int, is_compliment: bool) -> None:
    """The survey and compliment bonuses of one answer or review; a second run adds nothing (keyed)."""
    feedback_bonuses(kind=kind, customer_id=customer_id, object_id=object_id, is_compliment=is_compliment)
