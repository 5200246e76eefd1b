"""The whole dashboard as one JSON-ready document, and its headline numbers as labelled lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format

from ..definitions import metric_definition, metric_label
from .base import Filters, Json
from .purchases import cohorts, commerce, retention
from .satisfaction import csat, feedback_trend, nps, reviews
from .service_levels import backlog_trend, service, service_rollup
from .value import customer_value


def dashboard(f: Filters) -> Json:
    """Every number and series of the dashboard, JSON-ready."""
    rollup = service_rollup(f)
    return {
        "filters": f.as_params(),
        "csat": csat(f),
        "nps": nps(f),
        "reviews": reviews(f),
        "feedback_trend": feedback_trend(f),
        "commerce": commerce(f),
        "retention": retention(f),
        "cohorts": cohorts(f),
        "value": customer_value(f),
        "service": service(f, rollup),
        "service_by_team": rollup["by_team"],
        "service_by_channel": rollup["by_channel"],
        "service_by_agent": rollup["by_agent"],
        "service_by_type": rollup["by_type"],
        "service_by_month": rollup["by_month"],
        "backlog_trend": backlog_trend(f),
    }


class SummaryRow(tuple[str, str]):
    """A (label, value) pair of the summary that also knows its metric's key and one-line definition."""

    key: str
    definition: str

    def __new__(cls, key: str, value: str) -> SummaryRow:
        row = super().__new__(cls, (metric_label(key), value))
        row.key, row.definition = key, metric_definition(key)
        return row

    @property
    def label(self) -> str:
        return str(self[0])

    @property
    def value(self) -> str:
        return str(self[1])


def summary_rows(data: Mapping[str, Any]) -> list[SummaryRow]:
    """(label, value) lines of the headline numbers, for `pelatis metrics` and the dashboard: amounts with
    the currency, times in business hours, all in the active language ("1.234,50 €", «9 ώρ. 29 λ.»)."""
    from pelatis.core.formatting import format_duration, format_money

    def num(v: float | None, digits: int = 0) -> str:  # in the active language: 1.234,50 in Greek
        return "—" if v is None else number_format(round(v, digits), decimal_pos=digits, force_grouping=True)

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{num(v, 1)} %"

    def money(v: float | None) -> str:
        return "—" if v is None else format_money(v)

    c, n, o, r, w = data["csat"], data["nps"], data["commerce"], data["retention"], data["reviews"]
    v, s = data["value"], data["service"]
    rows = [
        ("csat", pct(c["csat_pct"])),
        ("csat_rate", pct(c["response_rate_pct"])),
        ("nps", num(n["nps"], 1)),
        ("nps_rate", pct(n["response_rate_pct"])),
        ("reviews", num(w["reviews"])),
        ("rating", num(w["average_rating"], 2)),
        ("negative", pct(w["negative_pct"])),
        ("answered", pct(w["answered_pct"])),
        ("orders", num(o["orders"])),
        ("revenue", money(o["revenue"])),
        ("aov", money(o["average_order_value"])),
        ("frequency", num(o["purchase_frequency"], 2)),
        ("repeat", pct(o["repeat_purchase_rate_pct"])),
        ("retention", pct(r["retention_pct"])),
        ("churn", pct(r["churn_pct"])),
        ("historical_clv", money(v["historical_clv"])),
        ("predicted_clv", money(v["predicted_clv"])),
        ("first_response", format_duration(s["first_response_minutes"])),
        ("resolution", format_duration(s["resolution_minutes"])),
        ("fcr", pct(s["fcr_pct"])),
        ("sla", pct(s["sla_compliance_pct"])),
        ("reopen", pct(s["reopen_rate_pct"])),
        ("backlog", num(s["backlog"])),
    ]
    return [SummaryRow(key, value) for key, value in rows]
