"""Background tasks of the analytics app: thin doors that call a service."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from pelatis.channels.claims import Claim

from .metrics.base import Filters


@task()
def dashboard_refresh_task(*, params: dict[str, str], claimed_by: str) -> None:
    """Recompute one dashboard under the claim the request took (released when done)."""
    from .services import dashboard_refresh_claimed, dashboard_refresh_name

    filters = Filters.parse(params)
    dashboard_refresh_claimed(
        filters, claim=Claim(name=dashboard_refresh_name(filters), by=claimed_by, started_at=timezone.now())
    )
