"""The hold-out group: a share of an audience that receives nothing, so the results can show what the
message changed. Who is held out is a pure function of the scope (a campaign, a journey) and the
customer, so a restarted run, a second worker or a results page picks exactly the same people."""

from __future__ import annotations

import hashlib

BUCKETS = 10_000  # percentages with two decimals of resolution


def holdout_bucket(scope: str, customer_id: int) -> int:
    """A stable number in [0, BUCKETS) for this customer in this scope (SHA-256, never Python's hash(),
    which changes from process to process)."""
    digest = hashlib.sha256(f"{scope}:customer:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def is_held_out(scope: str, customer_id: int, percent: int) -> bool:
    """Whether the customer belongs to the ``percent`` % of ``scope``'s audience that is held out."""
    if percent <= 0:
        return False
    return holdout_bucket(scope, customer_id) < percent * BUCKETS // 100


def campaign_scope(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def journey_scope(journey_id: int) -> str:
    return f"journey:{journey_id}"
