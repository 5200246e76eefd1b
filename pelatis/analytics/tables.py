"""Each dashboard chart as a table: the same numbers the chart draws, for the CSV download."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Table = tuple[list[str], list[list[Any]]]


def localised(data: Mapping[str, Any]) -> dict[str, Any]:
    """The kept dashboard with its labels in the active language (the worker may have computed it in
    another): segment names, request types, channels and months («Δεκ 2025»); the numbers are untouched.
    Months and days keep their key and gain a ``*_label`` for the charts."""
    from pelatis.core.formatting import format_day, format_month
    from pelatis.customers.models import Interaction
    from pelatis.helpdesk.models import Ticket

    from .models import Segment

    segments = dict(Segment.choices)
    types = dict(Ticket.Type.choices)
    channels = dict(Interaction.Channel.choices)
    out = dict(data)
    value = dict(out["value"])
    value["segments"] = [
        {**r, "label": str(segments.get(r["segment"], r["label"]))} for r in value["segments"]
    ]
    value["top"] = [
        {**r, "segment_label": str(segments.get(r["segment"], r["segment"]))} for r in value["top"]
    ]
    out["value"] = value
    if "service_by_type" in out:
        out["service_by_type"] = [
            {**r, "group": str(types.get(r["group"], r["group"]))} for r in out["service_by_type"]
        ]
    if "service_by_channel" in out:
        out["service_by_channel"] = [
            {**r, "group": str(channels.get(r["group"], r["group"]))} for r in out["service_by_channel"]
        ]
    if "service_by_month" in out:
        out["service_by_month"] = [
            {**r, "group_label": format_month(r["group"])} for r in out["service_by_month"]
        ]
    out["feedback_trend"] = [
        {**r, "month_label": format_month(r["month"])} for r in out.get("feedback_trend", [])
    ]
    out["cohorts"] = [{**r, "cohort_label": format_month(r["cohort"])} for r in out.get("cohorts", [])]
    out["backlog_trend"] = [{**r, "day_label": format_day(r["day"])} for r in out.get("backlog_trend", [])]
    return out


def _trend(d: Mapping[str, Any]) -> Table:
    return (
        [_("month"), _("CSAT %"), _("CSAT answers"), _("NPS"), _("NPS answers")],
        [
            [r["month"], r["csat_pct"], r["csat_answered"], r["nps"], r["nps_answered"]]
            for r in d["feedback_trend"]
        ],
    )


def _cohorts(d: Mapping[str, Any]) -> Table:
    width = max((len(r["retained_pct"]) for r in d["cohorts"]), default=0)
    head = [_("first order in"), _("customers")] + [
        _("month %(n)s %%") % {"n": k} for k in range(1, width + 1)
    ]
    return head, [[r["cohort"], r["customers"], *r["retained_pct"]] for r in d["cohorts"]]


def _distribution(d: Mapping[str, Any]) -> Table:
    return (
        [_("from"), _("to"), _("customers")],
        [
            [r["from"], r["to"] if r["to"] is not None else "", r["customers"]]
            for r in d["value"]["distribution"]
        ],
    )


def _top(d: Mapping[str, Any]) -> Table:
    return (
        [
            _("customer id"),
            _("name"),
            _("predicted 12-month value"),
            _("probability still active"),
            _("historical value"),
            _("segment"),
        ],
        [
            [r["id"], r["name"], r["clv"], r["p_alive"], r["revenue"], r.get("segment_label", r["segment"])]
            for r in d["value"]["top"]
        ],
    )


def _grid(d: Mapping[str, Any]) -> Table:
    return (
        [_("recency score")] + [_("frequency score %(n)s") % {"n": f} for f in range(1, 6)],
        [[r, *d["value"]["rfm_grid"][r - 1]] for r in range(5, 0, -1)],
    )


def _segments(d: Mapping[str, Any]) -> Table:
    return [_("segment"), _("name"), _("customers")], [
        [r["segment"], r["label"], r["customers"]] for r in d["value"]["segments"]
    ]


def _service(key: str) -> Callable[[Mapping[str, Any]], Table]:
    def table(d: Mapping[str, Any]) -> Table:
        head = [
            _("group"),
            _("created"),
            _("resolved"),
            _("first response (business minutes)"),
            _("resolution (business minutes)"),
            _("first-contact resolution %"),
            _("SLA compliance %"),
            _("reopen rate %"),
        ]
        return head, [
            [
                r["group"],
                r["created"],
                r["resolved"],
                r["first_response_minutes"],
                r["resolution_minutes"],
                r["fcr_pct"],
                r["sla_compliance_pct"],
                r["reopen_rate_pct"],
            ]
            for r in d[key]
        ]

    return table


def _backlog(d: Mapping[str, Any]) -> Table:
    return [_("day"), _("open tickets")], [[r["day"], r["open"]] for r in d["backlog_trend"]]


CHARTS: dict[str, tuple[Any, Callable[[Mapping[str, Any]], Table]]] = {
    "feedback": (gettext_lazy("CSAT and NPS by month"), _trend),
    "cohorts": (gettext_lazy("Retention by first-order month"), _cohorts),
    "clv": (gettext_lazy("Predicted 12-month value"), _distribution),
    "top": (gettext_lazy("Most valuable customers"), _top),
    "rfm": (gettext_lazy("RFM grid"), _grid),
    "segments": (gettext_lazy("Segments"), _segments),
    "sla-month": (gettext_lazy("Service by month"), _service("service_by_month")),
    "sla-team": (gettext_lazy("Service by team"), _service("service_by_team")),
    "sla-channel": (gettext_lazy("Service by channel"), _service("service_by_channel")),
    "sla-agent": (gettext_lazy("Service by agent"), _service("service_by_agent")),
    "sla-type": (gettext_lazy("Service by request type"), _service("service_by_type")),
    "backlog": (gettext_lazy("Backlog"), _backlog),
}


# ---------------------------------------------------------------- downloads (CSV and XLSX)


def _service_columns(group_kind: str, group_choices: Any = None) -> list[tuple[Any, ...]]:
    return [
        ("group", group_kind, group_choices),
        ("created", "int"),
        ("resolved", "int"),
        ("first_response_minutes", "decimal", None, 1),
        ("resolution_minutes", "decimal", None, 1),
        ("fcr_pct", "decimal", None, 1),
        ("sla_compliance_pct", "decimal", None, 1),
        ("reopen_rate_pct", "decimal", None, 1),
    ]


def _download_spec(chart: str) -> list[tuple[Any, ...]]:
    """Each column of a chart's table as (machine key, kind[, labels of its codes[, decimals]]), in the
    order the table writes them; the headers people read are the table's own."""
    from pelatis.customers.models import Interaction
    from pelatis.helpdesk.models import Ticket

    from .models import Segment

    specs: dict[str, list[tuple[Any, ...]]] = {
        "feedback": [
            ("month", "month"),
            ("csat_pct", "decimal", None, 1),
            ("csat_answered", "int"),
            ("nps", "decimal", None, 1),
            ("nps_answered", "int"),
        ],
        "cohorts": [("first_order_month", "month"), ("customers", "int")],
        "clv": [("from", "money"), ("to", "money"), ("customers", "int")],
        "top": [
            ("customer_id", "int"),
            ("name", "text"),
            ("predicted_12_month_value", "money"),
            ("p_alive", "decimal", None, 3),
            ("historical_value", "money"),
            ("segment", "text", dict(Segment.choices)),
        ],
        "rfm": [("recency_score", "int")] + [(f"frequency_{f}", "int") for f in range(1, 6)],
        "segments": [("segment", "text", dict(Segment.choices)), ("name", "text"), ("customers", "int")],
        "sla-month": _service_columns("month"),
        "sla-team": _service_columns("text"),
        "sla-channel": _service_columns("text", dict(Interaction.Channel.choices)),
        "sla-agent": _service_columns("text"),
        "sla-type": _service_columns("text", dict(Ticket.Type.choices)),
        "backlog": [("day", "date"), ("open_tickets", "int")],
    }
    return specs[chart]


def download_table(
    chart: str, data: Mapping[str, Any], *, machine: bool
) -> tuple[list[Any], list[list[Any]]]:
    """A chart's table for a download: its columns (``pelatis.core.tabular.Column``: machine key, the
    header people read, the kind of value, the labels of coded values) and its rows, from the kept
    dashboard as computed (``data``; the people's form reads it through ``localised``)."""
    from pelatis.core.tabular import Column

    head, rows = CHARTS[chart][1](data if machine else localised(data))
    spec = _download_spec(chart)
    if chart == "cohorts":
        spec = spec + [(f"month_{k}_retained_pct", "decimal", None, 1) for k in range(1, len(head) - 1)]
    columns = []
    for i, label in enumerate(head):
        key, kind, choices, decimals = (
            (*spec[i], None, None)[:4] if i < len(spec) else (f"column_{i + 1}", "text", None, None)
        )
        columns.append(Column(key, label, kind, choices=choices, decimals=decimals))
    # Every row as wide as the header (the retention triangle's later months are blank).
    return columns, [list(r) + [None] * (len(columns) - len(r)) for r in rows]
