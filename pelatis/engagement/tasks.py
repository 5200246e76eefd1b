"""Background tasks of engagement: thin doors that look up ids and call a service."""

from __future__ import annotations

from django_tasks import task

from .services.campaign_lease import run_lease_extend, run_lease_release
from .services.campaign_run import campaign_run


@task()
def campaign_run_task(*, campaign_id: int) -> None:
    """Send the next batches of a launched campaign; a larger audience continues in a fresh task, and a
    run (or a rerun after a crash) sends nothing twice."""
    result = campaign_run(campaign_id=campaign_id)
    if result.stopped:
        return
    if result.more:
        run_lease_extend(campaign_id, result.started_at)
        campaign_run_task.enqueue(campaign_id=campaign_id)
    elif result.deferred:  # back when the earliest quiet hours end (the periodic job resumes it)
        run_lease_extend(campaign_id, result.started_at, until=result.retry_at)
    else:
        run_lease_release(campaign_id, result.started_at)


@task()
def journey_run_task(*, journey_id: int) -> None:
    """Run one journey now ("run now" on its page): enrol whom its trigger finds, then send what is due;
    a rerun sends nothing twice."""
    from .services.journey_run import journeys_run

    journeys_run(journey_id=journey_id, force_enrol=True)
