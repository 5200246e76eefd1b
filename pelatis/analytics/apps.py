from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "pelatis.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from pelatis.channels.jobs import JOBS
        from pelatis.customers.views import PANELS

        from .jobs import job_customer_values, job_metrics_refresh
        from .panels import value_panel

        if value_panel not in PANELS:
            PANELS.append(value_panel)

        JOBS.setdefault("metrics_refresh", job_metrics_refresh)
        JOBS.setdefault("customer_values", job_customer_values)
