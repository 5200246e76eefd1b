"""What analytics adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- The worker refreshes the dashboard's metrics and every customer's value (RFM, CLV).
- A customer merge drops the merged customer's value row (the kept one is recomputed).
- The customer page shows the value card; the customer list filters by RFM segment.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pelatis.customers.views import ListFilter

from .jobs import job_customer_values, job_metrics_refresh
from .models import Segment
from .panels import value_panel
from .services import values_forget_merged


def _segment_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Segment.choices]


def _in_segment(code: str) -> Q:
    return Q(value__segment=code)


PERIODIC_JOBS = {"metrics_refresh": job_metrics_refresh, "customer_values": job_customer_values}
CUSTOMER_MERGE_PARTICIPANTS = [values_forget_merged]
CUSTOMER_PANELS = [value_panel]
CUSTOMER_LIST_FILTERS = [
    ListFilter(param="rfm", label=_("RFM segment"), choices=_segment_choices, condition=_in_segment)
]
from .personal_data import PARTICIPANT as _PERSONAL_DATA  # noqa: E402 — export and erasure (below)
from .segment_fields import SEGMENT_FIELDS as SEGMENT_FIELDS  # noqa: E402 — what segments can ask (pelatis.core.segmentfields)

# The customer's scores (profiling) in a data-subject export; their name out of kept dashboards on erasure.
PERSONAL_DATA = [_PERSONAL_DATA]
