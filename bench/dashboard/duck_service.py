"""The help-desk numbers (service, by team/channel/agent/type/month, backlog trend) computed by DuckDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from pelatis.analytics import metrics
from pelatis.analytics.metrics import Filters

from .duck_load import _dicts, _utc


def _service_sql(lo: str = "$lo", hi: str = "$hi", prefix: str = "") -> str:
    p = prefix
    created = f"{p}created_at >= {lo} AND {p}created_at < {hi}"
    resolved = f"{p}resolved_at >= {lo} AND {p}resolved_at < {hi}"
    decided = (
        f"({created}) AND {p}sla_policy_id IS NOT NULL AND ({p}sla_breached OR {p}resolved_at IS NOT NULL)"
    )
    return ", ".join(
        [
            f"count(*) FILTER (WHERE {created}) AS created",
            f"count(*) FILTER (WHERE {resolved}) AS resolved",
            f"avg({p}first_response_minutes) FILTER (WHERE {p}first_responded_at >= {lo} AND {p}first_responded_at < {hi})"
            " AS first_response_minutes",
            f"avg({p}resolution_minutes) FILTER (WHERE {resolved}) AS resolution_minutes",
            f"count(*) FILTER (WHERE ({resolved}) AND {p}agent_replies >= 1) AS answered_resolved",
            f"count(*) FILTER (WHERE ({resolved}) AND {p}agent_replies = 1 AND {p}reopened_count = 0) AS one_touch",
            f"count(*) FILTER (WHERE {decided}) AS sla_decided",
            f"count(*) FILTER (WHERE ({decided}) AND NOT {p}sla_breached) AS sla_met",
            f"count(*) FILTER (WHERE ({created}) AND ({p}resolved_at IS NOT NULL OR {p}reopened_count > 0)) AS ever_resolved",
            f"count(*) FILTER (WHERE ({created}) AND {p}reopened_count > 0) AS reopened",
        ]
    )


def _service_row(row: Mapping[str, Any]) -> dict[str, object]:
    """The service numbers from DuckDB's averages and counts, shaped and rounded as metrics shapes them."""

    def minutes(v: float | None) -> float | None:
        return round(float(v), 1) if v is not None else None

    return {
        "created": row["created"],
        "resolved": row["resolved"],
        "first_response_minutes": minutes(row["first_response_minutes"]),
        "resolution_minutes": minutes(row["resolution_minutes"]),
        "fcr_pct": metrics.pct(row["one_touch"], row["answered_resolved"]),
        "sla_compliance_pct": metrics.pct(row["sla_met"], row["sla_decided"]),
        "reopen_rate_pct": metrics.pct(row["reopened"], row["ever_resolved"]),
    }


class DuckService:
    """DuckDB tables and the dashboard's filters; the help-desk part of the dashboard's numbers."""

    def __init__(self, con: Any, f: Filters) -> None:
        self.con, self.f = con, f
        lo, hi = metrics.span(f)
        window = dt.timedelta(days=metrics.ACTIVE_WINDOW_DAYS)
        self.p = {"lo": _utc(lo), "hi": _utc(hi)}
        self.retention_p = {**self.p, "slo": _utc(lo - window), "ehi": _utc(hi - window)}

    def service(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            f"""
            SELECT {_service_sql()}, count(*) FILTER (WHERE status NOT IN ('resolved', 'closed')) AS backlog
            FROM tickets WHERE merged_into_id IS NULL""",
            self.p,
        )
        out = _service_row(r)
        out["backlog"] = r["backlog"]
        return out

    def service_by(self, dimension: str) -> list[dict[str, object]]:
        where = """t.merged_into_id IS NULL AND ((t.created_at >= $lo AND t.created_at < $hi)
                  OR (t.resolved_at >= $lo AND t.resolved_at < $hi)
                  OR (t.first_responded_at >= $lo AND t.first_responded_at < $hi))"""
        if dimension == "month":  # each month counts its own events: one FILTER set per month
            lo, hi = metrics.span(self.f)
            params, parts, months = dict(self.p), [], metrics.months_of(self.f)
            for i, month in enumerate(months):
                day = dt.date.fromisoformat(f"{month}-01")
                first = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
                after = timezone.make_aware(
                    dt.datetime.combine((day + dt.timedelta(days=32)).replace(day=1), dt.time.min)
                )
                params[f"a{i}"], params[f"b{i}"] = _utc(max(lo, first)), _utc(min(hi, after))
                parts.append(_service_sql(f"$a{i}", f"$b{i}", "t.").replace(" AS ", f" AS m{i}_"))
            (r,) = _dicts(self.con, f"SELECT {', '.join(parts)} FROM tickets t WHERE {where}", params)
            return [
                {
                    "group": month,
                    **_service_row({k[len(f"m{i}_") :]: v for k, v in r.items() if k.startswith(f"m{i}_")}),
                }
                for i, month in enumerate(months)
            ]
        group = {"team": "tm.name", "channel": "t.channel", "agent": "u.username", "type": "t.type"}[
            dimension
        ]
        rows = _dicts(
            self.con,
            f"""
            SELECT {group} AS g, {_service_sql(prefix="t.")}
            FROM tickets t LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN users u ON u.id = t.assignee_id
            WHERE {where}
            GROUP BY 1""",
            self.p,
        )
        rows.sort(
            key=lambda r: (r["g"] is None or r["g"] == "", str(r["g"]))
        )  # as metrics orders them: "—" last
        return [{"group": r["g"] or "—", **_service_row(r)} for r in rows]

    def backlog_trend(self, points: int = 12) -> list[dict[str, object]]:
        f = self.f
        days = max(1, (f.end - f.start).days)
        step = max(1, days // max(1, points - 1))
        marks: list[dt.date] = []
        day = f.start
        while day < f.end and len(marks) < points - 1:
            marks.append(day)
            day += dt.timedelta(days=step)
        marks.append(f.end)
        params: dict[str, object] = {}
        parts: list[str] = []
        for i, mark in enumerate(marks):
            params[f"a{i}"] = _utc(
                timezone.make_aware(dt.datetime.combine(mark + dt.timedelta(days=1), dt.time.min))
            )
            parts.append(
                f"count(*) FILTER (WHERE created_at < $a{i} AND (resolved_at IS NULL OR resolved_at >= $a{i})) AS p{i}"
            )
        (r,) = _dicts(
            self.con, f"SELECT {', '.join(parts)} FROM tickets WHERE merged_into_id IS NULL", params
        )
        return [{"day": mark.isoformat(), "open": r[f"p{i}"]} for i, mark in enumerate(marks)]
