"""Settings for the `pelatis serve` processes of tests/test_ops_served.py: the shipped settings, with the
request-metrics and request-id middleware first in MIDDLEWARE when pelatis/settings.py does not list them
yet (it will; then this module changes nothing)."""

from __future__ import annotations

from pelatis.settings import *  # noqa: F403
from pelatis.settings import MIDDLEWARE as _SHIPPED

_FIRST = ["pelatis.web.metrics.RequestMetricsMiddleware", "pelatis.web.requestid.RequestIdMiddleware"]
MIDDLEWARE = [m for m in _FIRST if m not in _SHIPPED] + list(_SHIPPED)
