"""Background tasks of loyalty: thin doors that look up ids and call a service."""

from __future__ import annotations

from django_tasks import task

from .services.orders import loyalty_orders_sync


@task()
def loyalty_orders_sync_task(*, order_ids: list[int]) -> None:
    """Earn or give back the points of these orders; a second run for the same orders is a no-op."""
    loyalty_orders_sync(order_ids=order_ids)
