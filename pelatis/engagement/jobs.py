"""Engagement's periodic jobs for journeys and recommendations, run by the worker (declared in hooks.py)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from .recommend import CACHE_KEY, LiftTable, recommendations_refresh
from .services.journey_run import journeys_run

RECOMMENDATIONS_EVERY = dt.timedelta(hours=6)


def job_journeys() -> str:
    """Enrol what the triggers find, then send the due steps (bounded per run; the next run goes on)."""
    return str(journeys_run())


def job_recommendations() -> str:
    """Recompute the bought-together table when the kept one is older than RECOMMENDATIONS_EVERY."""
    kept = cache.get(CACHE_KEY)
    fresh = isinstance(kept, LiftTable) and kept.computed_at is not None
    if fresh and kept.computed_at > timezone.now() - RECOMMENDATIONS_EVERY:
        return "recommendations are fresh"
    table = recommendations_refresh()
    return f"{len(table.partners)} products with partners over {table.baskets} orders"
