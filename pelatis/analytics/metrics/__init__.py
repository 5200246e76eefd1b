"""The numbers a manager steers by, each one SQL aggregate (definitions in docs/metrics.md), by subject:
:mod:`.base` (filters, periods, narrowing), :mod:`.satisfaction` (CSAT, NPS, reviews),
:mod:`.purchases` (orders, retention, churn, cohorts), :mod:`.value` (CLV and RFM),
:mod:`.service_levels` (response, resolution, FCR, SLA, backlog) and :mod:`.overview` (the whole
dashboard and its summary lines).

This package re-exports the names callers outside the analytics app use (the web demo and the
benchmarks); code inside the app imports from the subject modules.
"""

from __future__ import annotations

from .base import Filters, Json, months_of, pct, ratio, rounded, span
from .overview import SummaryRow, dashboard, summary_rows
from .purchases import ACTIVE_WINDOW_DAYS, cohorts, commerce, retention
from .satisfaction import csat, feedback_trend, nps, reviews
from .service_levels import DIMENSIONS, backlog_trend, service, service_by, service_rollup
from .value import CLV_BUCKETS, TOP_CUSTOMERS, customer_value

__all__ = [
    "ACTIVE_WINDOW_DAYS",
    "CLV_BUCKETS",
    "DIMENSIONS",
    "TOP_CUSTOMERS",
    "Filters",
    "Json",
    "SummaryRow",
    "backlog_trend",
    "cohorts",
    "commerce",
    "csat",
    "customer_value",
    "dashboard",
    "feedback_trend",
    "months_of",
    "nps",
    "pct",
    "ratio",
    "retention",
    "reviews",
    "rounded",
    "service",
    "service_by",
    "service_rollup",
    "span",
    "summary_rows",
]
