"""The worker's campaign job: launch the scheduled campaigns whose time has come and carry on the ones
left sending (a worker killed mid-run, customers whose quiet hours are over)."""

from __future__ import annotations

from .services.campaign_lease import campaigns_resume
from .services.campaigns import campaigns_launch_due
from .tasks import campaign_run_task


def job_campaigns() -> str:
    launched = campaigns_launch_due()
    resumed = campaigns_resume()  # a campaign launched just now is held by its own run: not here
    for pk in resumed:
        campaign_run_task.enqueue(campaign_id=pk)
    return f"{launched} campaigns launched, {len(resumed)} resumed"
