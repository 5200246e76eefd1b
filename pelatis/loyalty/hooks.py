"""What loyalty adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- Orders earn points when they are paid and give them back when cancelled, refunded or deleted, whichever
  path wrote them (the form, the API, an import or its undo): customers tells loyalty after each commit,
  and the points are booked by a task, so a failure there never fails the request that wrote the order.
- A customer merge carries the merged customer's ledger and balance along.
- The worker expires unspent points that reached their expiry date.
"""

from __future__ import annotations

from .jobs import job_points_expiry
from .services.ledger import loyalty_move_to_customer
from .tasks import loyalty_orders_sync_task

# A batch of orders per task, so a large import queues a bounded number of small tasks.
BATCH = 2000


def _orders_changed(order_ids: list[int]) -> None:
    for start in range(0, len(order_ids), BATCH):
        loyalty_orders_sync_task.enqueue(order_ids=order_ids[start : start + BATCH])


CUSTOMER_ORDERS_CHANGED = [_orders_changed]
CUSTOMER_MERGE_PARTICIPANTS = [loyalty_move_to_customer]
PERIODIC_JOBS = {"points_expiry": job_points_expiry}
