"""What loyalty adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- Orders earn points when they are paid and give them back when cancelled, refunded or deleted, whichever
  path wrote them (the form, the API, an import or its undo): customers tells loyalty after each commit,
  and the points are booked by a task, so a failure there never fails the request that wrote the order;
  the same task then reviews those customers' tiers, so a tier follows new orders at once.
- A customer merge carries the merged customer's ledger and balance along.
- The worker expires unspent points that reached their expiry date, reviews tiers (up at once, down after
  the grace period) and warns customers by email of points about to expire.
- Feedback (FEEDBACK_RECEIVED, after it commits) earns the survey bonus for a CSAT or NPS answer and the
  compliment bonus for a top score or a five-star review, booked by a task.
"""

from __future__ import annotations

from .jobs import job_expiry_warnings, job_points_expiry, job_tiers_review
from .panels import customer_panel, portal_panel, ticket_panel
from .segment_fields import (
    SEGMENT_FIELDS as SEGMENT_FIELDS,
)  # what segments can ask (pelatis.core.segmentfields)
from .services.ledger import loyalty_move_to_customer
from .tasks import loyalty_feedback_bonus_task, loyalty_orders_sync_task

# A batch of orders per task, so a large import queues a bounded number of small tasks.
BATCH = 2000


def _orders_changed(order_ids: list[int]) -> None:
    for start in range(0, len(order_ids), BATCH):
        loyalty_orders_sync_task.enqueue(order_ids=order_ids[start : start + BATCH])


def _feedback_received(
    kind: str, customer_id: int | None, object_id: int, score: int | None, is_compliment: bool
) -> None:
    """FEEDBACK_RECEIVED: a CSAT or NPS answer, or a review, committed (by keyword or in this order)."""
    if customer_id is None or (kind == "review" and not is_compliment):
        return
    loyalty_feedback_bonus_task.enqueue(
        kind=kind, customer_id=customer_id, object_id=object_id, is_compliment=is_compliment
    )


CUSTOMER_ORDERS_CHANGED = [_orders_changed]
CUSTOMER_MERGE_PARTICIPANTS = [loyalty_move_to_customer]
FEEDBACK_RECEIVED = [_feedback_received]
PERIODIC_JOBS = {
    "points_expiry": job_points_expiry,
    "loyalty_tiers": job_tiers_review,
    "loyalty_expiry_warnings": job_expiry_warnings,
}

# Pages (loyalty-ui): the 360 card, the portal's card, the credit card beside a complaint.
CUSTOMER_PANELS = [customer_panel]
PORTAL_PANELS = [portal_panel]
TICKET_PANELS = [ticket_panel]

# The account, ledger, tier changes and warnings in a data-subject export and erasure (core.personaldata).
from .personal_data import PARTICIPANT as _PERSONAL_DATA  # noqa: E402 — appended by area

PERSONAL_DATA = [_PERSONAL_DATA]
