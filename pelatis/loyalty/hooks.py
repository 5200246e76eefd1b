"""What loyalty adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- Orders earn points when they are paid and give them back when cancelled, refunded or deleted, whichever
  path wrote them (the form, the API, an import or its undo): customers tells loyalty after each commit.
- A customer merge carries the merged customer's ledger and balance along.
- The worker expires unspent points that reached their expiry date.
"""

from __future__ import annotations

from .jobs import job_points_expiry
from .services.ledger import loyalty_move_to_customer
from .services.orders import loyalty_orders_sync


def _orders_changed(order_ids: list[int]) -> None:
    loyalty_orders_sync(order_ids=order_ids)


CUSTOMER_ORDERS_CHANGED = [_orders_changed]
CUSTOMER_MERGE_PARTICIPANTS = [loyalty_move_to_customer]
PERIODIC_JOBS = {"points_expiry": job_points_expiry}
