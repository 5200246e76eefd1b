from __future__ import annotations

from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "pelatis.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from pelatis.channels.jobs import JOBS
        from pelatis.customers.services import MERGE_PARTICIPANTS
        from pelatis.customers.views import LIST_FILTERS, PANELS, ListFilter

        from .jobs import job_customer_values, job_metrics_refresh
        from .panels import value_panel
        from .services import values_forget_merged

        JOBS.setdefault("metrics_refresh", job_metrics_refresh)
        JOBS.setdefault("customer_values", job_customer_values)
        # The customer page shows the value card; the customer list filters by RFM segment.
        if values_forget_merged not in MERGE_PARTICIPANTS:
            MERGE_PARTICIPANTS.append(values_forget_merged)
        if value_panel not in PANELS:
            PANELS.append(value_panel)
        if not any(f.param == "rfm" for f in LIST_FILTERS):
            LIST_FILTERS.append(
                ListFilter(
                    param="rfm", label=_("RFM segment"), choices=_segment_choices, condition=_in_segment
                )
            )


def _segment_choices() -> list[tuple[str, str]]:
    from .models import Segment

    return [(code, str(label)) for code, label in Segment.choices]


def _in_segment(code: str) -> Q:
    return Q(value__segment=code)
