"""What engagement adds to the other apps (extension points: :mod:`pelatis.core.hooks`)."""

from __future__ import annotations

from .campaign_jobs import job_campaigns

# The worker launches scheduled campaigns when their time comes and carries on those left sending.
PERIODIC_JOBS = {"campaigns": job_campaigns}


def _send_links(ids: list[str]) -> dict[str, str]:
    from .views.content import send_links  # the pages load after the apps: imported when a timeline is shown

    return send_links(ids)


# A sent message on the customer's timeline leads to its template's page.
CUSTOMER_TIMELINE_LINKS = {"engagement.send": _send_links}


def _job_journeys() -> str:
    from .jobs import job_journeys  # the runner reaches the sending services: imported when the job runs

    return job_journeys()


def _job_recommendations() -> str:
    from .jobs import job_recommendations

    return job_recommendations()


# The worker enrols customers into active journeys and sends their due steps; and keeps the
# bought-together table fresh for {{ recommendations }} and the staff page.
PERIODIC_JOBS["journeys"] = _job_journeys
PERIODIC_JOBS["recommendations"] = _job_recommendations

# A segment can be the audience of an NPS campaign (read by feedback once it offers the choice).
from .nps_audience import SEGMENT_AUDIENCE  # noqa: E402 — grouped with what it adds

NPS_AUDIENCES = [SEGMENT_AUDIENCE]

# Messages sent and journeys in a data-subject export and erasure (pelatis.core.personaldata).
from .personal_data import PARTICIPANT as _PERSONAL_DATA  # noqa: E402 — grouped with what it adds

PERSONAL_DATA = [_PERSONAL_DATA]
