"""The columns the dashboard reads, copied from the SQLite file into DuckDB tables, and the SQL helpers
the DuckDB side of the comparison shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from .common import TZ

LOCAL = "timezone('" + TZ + "', {col} AT TIME ZONE 'UTC')"  # naive UTC TIMESTAMP → local wall-clock


def _month_of(col: str) -> str:
    return f"strftime({LOCAL.format(col=col)}, '%Y-%m')"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def duck_load(con: Any) -> dict[str, int]:
    """Copy the columns the dashboard reads from the SQLite file into DuckDB (numpy → DataFrame)."""
    import pandas as pd

    specs = {
        "orders": (
            "SELECT id, customer_id, placed_at, status, total FROM customers_order",
            {"placed_at": "ts", "total": "f8"},
        ),
        "tickets": (
            "SELECT id, customer_id, status, channel, type, team_id, assignee_id, merged_into_id, created_at, "
            "first_responded_at, resolved_at, first_response_minutes, resolution_minutes, sla_policy_id, "
            "sla_breached, agent_replies, reopened_count FROM helpdesk_ticket",
            {
                "created_at": "ts",
                "first_responded_at": "ts",
                "resolved_at": "ts",
                "team_id": "i8?",
                "assignee_id": "i8?",
                "merged_into_id": "i8?",
                "sla_policy_id": "i8?",
                "sla_breached": "bool",
                "first_response_minutes": "f8",
                "resolution_minutes": "f8",
            },
        ),
        "teams": ("SELECT id, name FROM helpdesk_team", {}),
        "users": ("SELECT id, username FROM auth_user", {}),
        "csat": (
            "SELECT id, ticket_id, customer_id, sent_at, answered_at, score FROM feedback_csatsurvey",
            {"sent_at": "ts", "answered_at": "ts", "score": "i8?"},
        ),
        "nps": (
            "SELECT id, customer_id, sent_at, answered_at, score FROM feedback_npsresponse",
            {"sent_at": "ts", "answered_at": "ts", "score": "i8?"},
        ),
        "reviews": (
            "SELECT id, customer_id, rating, sentiment_label, published_at, answered_at FROM feedback_review",
            {"published_at": "ts", "answered_at": "ts", "rating": "i8?", "customer_id": "i8?"},
        ),
        "cv": (
            "SELECT customer_id, revenue, clv, p_alive, recency_score, frequency_score, segment, computed_at "
            "FROM analytics_customervalue",
            {"computed_at": "ts", "clv": "f8", "p_alive": "f8"},
        ),
        "customers": ("SELECT id, display_name FROM customers_customer", {}),
    }
    rows = {}
    with connection.cursor() as cur:
        for table, (sql, types) in specs.items():
            cur.execute(sql)
            names = [d[0] for d in cur.description]
            data = cur.fetchall()
            cols: list[Sequence[Any]] = list(zip(*data, strict=True)) if data else [[] for _ in names]
            frame = {}
            for name, values in zip(names, cols, strict=True):
                kind = types.get(name)
                if kind == "ts":
                    frame[name] = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype(
                        "datetime64[us]"
                    )
                elif kind == "f8":
                    frame[name] = pd.Series(values, dtype=object).astype("float64")
                elif kind == "i8?":
                    frame[name] = pd.Series(values, dtype=object).astype("Int64")
                elif kind == "bool":
                    frame[name] = pd.Series(values, dtype=object).astype(bool)
                else:
                    frame[name] = pd.Series(values, dtype=object)  # DuckDB 1.4 does not know pandas 3's "str"
                    if values and isinstance(values[0], int):
                        frame[name] = frame[name].astype("int64")
            df = pd.DataFrame(frame)
            con.register("_df", df)
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM _df")
            con.unregister("_df")
            rows[table] = len(df)
            del data, cols, frame, df
    return rows


def _dicts(con: Any, sql: str, params: Mapping[str, object]) -> list[dict[str, Any]]:
    """Rows of a DuckDB query as dicts by column name (DuckDB's values are untyped)."""
    cur = con.execute(sql, dict(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
