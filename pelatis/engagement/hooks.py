"""What engagement adds to the other apps (extension points: :mod:`pelatis.core.hooks`)."""

from __future__ import annotations

from .campaign_jobs import job_campaigns

# The worker launches scheduled campaigns when their time comes and carries on those left sending.
PERIODIC_JOBS = {"campaigns": job_campaigns}
