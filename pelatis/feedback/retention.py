"""Feedback's retention policy (``RETENTION_POLICIES`` in hooks.py, run by privacy's retention runner):
survey links (CSAT and NPS) are good for ``PELATIS_RETENTION_SURVEY_TOKEN_DAYS`` days (60 by default;
0: only the links' own 30 days).

Survey links are signed tokens, not rows: nothing is stored per link, so there is nothing to delete. A
link stops working once the survey is older than the period; the policy reports how many unanswered
surveys passed it since the last run's day, and ``survey_link_open`` is what the link's page asks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from .models import CsatSurvey, NpsResponse

LINK_DAYS_SETTING = "PELATIS_RETENTION_SURVEY_TOKEN_DAYS"
LINK_DAYS_DEFAULT = 60


def token_days() -> int:
    return max(0, int(getattr(settings, LINK_DAYS_SETTING, LINK_DAYS_DEFAULT) or 0))


def survey_link_open(sent_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a survey sent at ``sent_at`` still takes answers under the retention period."""
    days = token_days()
    return not days or sent_at is None or sent_at >= now - dt.timedelta(days=days)


def survey_links_expire(dry_run: bool, now: dt.datetime) -> int | None:
    """How many unanswered surveys' links passed the period in the last day (what one daily run expires);
    writes nothing (the links hold no state). None when switched off."""
    days = token_days()
    if not days:
        return None
    cutoff = now - dt.timedelta(days=days)
    window = {"sent_at__lt": cutoff, "sent_at__gte": cutoff - dt.timedelta(days=1)}
    return (
        CsatSurvey.objects.filter(answered_at__isnull=True, **window).count()
        + NpsResponse.objects.filter(answered_at__isnull=True, **window).count()
    )
