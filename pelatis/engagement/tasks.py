"""Background tasks of engagement: thin doors that look up ids and call a service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .services.campaign_lease import run_lease_extend, run_lease_release
from .services.campaign_run import campaign_run

SETTLE = dt.timedelta(minutes=2)  # a pass that ended with messages still in flight looks again after this


@task()
def campaign_run_task(*, campaign_id: int, after: int = 0, retry_at: str | None = None) -> None:
    """Send the next batches of a launched campaign, from the customer after ``after``; a larger audience
    continues in a fresh task, and a run (or a rerun after a crash) sends nothing twice. ``retry_at``
    (ISO) carries the earliest end of quiet hours met so far along the chain of one pass."""
    result = campaign_run(campaign_id=campaign_id, after=after)
    if result.stopped:
        return
    known = [
        moment
        for moment in (result.retry_at, dt.datetime.fromisoformat(retry_at) if retry_at else None)
        if moment
    ]
    retry = min(known, default=None)
    if result.more:
        run_lease_extend(campaign_id, result.started_at)
        campaign_run_task.enqueue(
            campaign_id=campaign_id, after=result.last_pk, retry_at=retry.isoformat() if retry else None
        )
    elif result.done:
        run_lease_release(campaign_id, result.started_at)
    else:  # customers wait for their quiet hours to end, or messages are still in flight: come back
        run_lease_extend(campaign_id, result.started_at, until=retry or timezone.now() + SETTLE)


@task()
def journey_run_task(*, journey_id: int) -> None:
    """Run one journey now ("run now" on its page): enrol whom its trigger finds, then send what is due;
    a rerun sends nothing twice."""
    from .services.journey_run import journeys_run

    journeys_run(journey_id=journey_id, force_enrol=True)
