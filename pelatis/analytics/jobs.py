"""The worker's analytics jobs: keep the default dashboard warm, rescore customers once a day."""

from __future__ import annotations

from django.utils import timezone

from pelatis.channels.claims import job_claim

from .metrics.base import Filters
from .models import CustomerValue
from .services import (
    REFRESH_LEASE,
    customer_values_refresh,
    dashboard_refresh_claimed,
    dashboard_refresh_name,
    snapshots_prune,
)


def job_metrics_refresh() -> str:
    """Recompute the default dashboard, unless a request's recompute of it is running already."""
    filters = Filters.default()
    claim = job_claim(dashboard_refresh_name(filters), lease=REFRESH_LEASE, due_only=False)
    pruned = snapshots_prune()
    if claim is None:
        return f"dashboard already being recomputed; {pruned} old snapshots dropped"
    snapshot = dashboard_refresh_claimed(filters, claim=claim)
    return f"dashboard in {snapshot.seconds:.2f} s; {pruned} old snapshots dropped"


def job_customer_values() -> str:
    """Rescore once per day (the first run after midnight); the fit follows the order book."""
    last = CustomerValue.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    if last is not None and timezone.localtime(last).date() == timezone.localdate():
        return "already scored today"
    try:
        run = customer_values_refresh()
    except ValueError as exc:
        return str(exc)
    fitted = "models fitted" if run.fit else f"no models: {run.why_not_fitted}"
    return f"{run.customers} customers scored, {fitted}"
