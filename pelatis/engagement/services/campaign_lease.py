"""The lease on a campaign's run: while it is held, the periodic job queues no second run of that
campaign. It lives in the shared cache (several workers) and lapses by itself, so a killed worker never
blocks a campaign for good; every decision is keyed anyway, so a second run would only waste work."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from ..models import Campaign

LEASE = dt.timedelta(minutes=15)  # a run (or its queued task) holds the campaign this long at most
RETRY_QUIET = dt.timedelta(hours=1)  # longest wait before deferred customers are looked at again


def _lease_key(campaign_id: int, started_at: dt.datetime | None) -> str:
    # The launch moment in the key: a campaign id reused (a restored backup, a test database) never meets
    # an older lease.
    stamp = int(started_at.timestamp() * 1_000_000) if started_at else 0
    return f"pelatis:engagement:campaign-run:{campaign_id}:{stamp}"


def run_lease_take(campaign_id: int, started_at: dt.datetime | None) -> bool:
    """True when no run of the campaign is queued, running or waiting for quiet hours to end (the lease
    lives in the shared cache and lapses by itself, so a killed worker never blocks it for good)."""
    return bool(cache.add(_lease_key(campaign_id, started_at), 1, timeout=int(LEASE.total_seconds())))


def run_lease_extend(
    campaign_id: int, started_at: dt.datetime | None, until: dt.datetime | None = None
) -> None:
    """Hold the campaign until ``until`` (at most RETRY_QUIET ahead), or for another LEASE."""
    seconds = LEASE.total_seconds()
    if until is not None:
        seconds = min(max((until - timezone.now()).total_seconds(), 1.0), RETRY_QUIET.total_seconds())
    cache.set(_lease_key(campaign_id, started_at), 1, timeout=int(seconds))


def run_lease_release(campaign_id: int, started_at: dt.datetime | None) -> None:
    cache.delete(_lease_key(campaign_id, started_at))


def campaigns_resume() -> list[int]:
    """Sending campaigns no run holds (their worker died, or their deferred customers are due): their
    ids, each now held for the run the caller queues."""
    rows = (
        Campaign.objects.filter(status=Campaign.Status.SENDING).order_by("pk").values_list("pk", "started_at")
    )
    return [pk for pk, started_at in rows[:1000] if run_lease_take(pk, started_at)]
