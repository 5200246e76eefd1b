"""The dashboard's numbers from DuckDB tables; the same shapes as pelatis.analytics.metrics."""

from __future__ import annotations

from typing import Any

from pelatis.analytics import metrics
from pelatis.analytics.metrics import CLV_BUCKETS, TOP_CUSTOMERS
from pelatis.analytics.models import Segment

from .duck_load import LOCAL, _dicts, _month_of
from .duck_service import DuckService


class Duck(DuckService):
    """The whole dashboard document computed by DuckDB."""

    def csat(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            """
            SELECT count(*) FILTER (WHERE s.answered_at >= $lo AND s.answered_at < $hi AND s.score IS NOT NULL) AS answered,
                   count(*) FILTER (WHERE s.answered_at >= $lo AND s.answered_at < $hi AND s.score >= 4) AS happy,
                   count(*) FILTER (WHERE s.sent_at >= $lo AND s.sent_at < $hi) AS sent,
                   count(*) FILTER (WHERE s.sent_at >= $lo AND s.sent_at < $hi AND s.score IS NOT NULL) AS sent_answered
            FROM csat s JOIN tickets t ON t.id = s.ticket_id WHERE t.merged_into_id IS NULL""",
            self.p,
        )
        return {
            "answered": r["answered"],
            "satisfied": r["happy"],
            "csat_pct": metrics.pct(r["happy"], r["answered"]),
            "sent": r["sent"],
            "response_rate_pct": metrics.pct(r["sent_answered"], r["sent"]),
        }

    def nps(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            """
            SELECT count(*) FILTER (WHERE answered_at >= $lo AND answered_at < $hi AND score IS NOT NULL) AS answered,
                   count(*) FILTER (WHERE answered_at >= $lo AND answered_at < $hi AND score >= 9) AS promoters,
                   count(*) FILTER (WHERE answered_at >= $lo AND answered_at < $hi AND score <= 6) AS detractors,
                   count(*) FILTER (WHERE sent_at >= $lo AND sent_at < $hi) AS sent,
                   count(*) FILTER (WHERE sent_at >= $lo AND sent_at < $hi AND score IS NOT NULL) AS sent_answered
            FROM nps""",
            self.p,
        )
        a = r["answered"]
        return {
            "answered": a,
            "promoters": r["promoters"],
            "detractors": r["detractors"],
            "passives": a - r["promoters"] - r["detractors"],
            "nps": round(100.0 * (r["promoters"] - r["detractors"]) / a, 1) if a else None,
            "sent": r["sent"],
            "response_rate_pct": metrics.pct(r["sent_answered"], r["sent"]),
        }

    def reviews(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            """
            SELECT count(*) AS n, avg(rating) AS mean_rating,
                   count(*) FILTER (WHERE rating <= 2 OR (rating IS NULL AND sentiment_label = 'negative')) AS negative,
                   count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered
            FROM reviews WHERE published_at >= $lo AND published_at < $hi""",
            self.p,
        )
        return {
            "reviews": r["n"],
            "average_rating": metrics.rounded(r["mean_rating"], 2),
            "negative_pct": metrics.pct(r["negative"], r["n"]),
            "answered_pct": metrics.pct(r["answered"], r["n"]),
        }

    def feedback_trend(self) -> list[dict[str, object]]:
        by_month: dict[str, dict[str, Any]] = {
            m: {"month": m, "csat_pct": None, "csat_answered": 0, "nps": None, "nps_answered": 0}
            for m in metrics.months_of(self.f)
        }
        for r in _dicts(
            self.con,
            f"""
                SELECT {_month_of("s.answered_at")} AS m, count(*) AS n, count(*) FILTER (WHERE s.score >= 4) AS happy
                FROM csat s JOIN tickets t ON t.id = s.ticket_id
                WHERE t.merged_into_id IS NULL AND s.answered_at >= $lo AND s.answered_at < $hi AND s.score IS NOT NULL
                GROUP BY 1""",
            self.p,
        ):
            if (e := by_month.get(r["m"])) is not None:
                e.update(csat_pct=metrics.pct(r["happy"], r["n"]), csat_answered=r["n"])
        for r in _dicts(
            self.con,
            f"""
                SELECT {_month_of("answered_at")} AS m, count(*) AS n, count(*) FILTER (WHERE score >= 9) AS pro,
                       count(*) FILTER (WHERE score <= 6) AS de
                FROM nps WHERE answered_at >= $lo AND answered_at < $hi AND score IS NOT NULL GROUP BY 1""",
            self.p,
        ):
            if (e := by_month.get(r["m"])) is not None:
                e.update(nps=round(100.0 * (r["pro"] - r["de"]) / r["n"], 1), nps_answered=r["n"])
        return list(by_month.values())

    def commerce(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            """
            SELECT sum(n) AS orders, sum(rev) AS revenue, count(*) AS buyers, count(*) FILTER (WHERE n >= 2) AS repeaters
            FROM (SELECT customer_id, count(*) AS n, sum(total) AS rev FROM orders
                  WHERE status NOT IN ('cancelled', 'refunded') AND placed_at >= $lo AND placed_at < $hi
                  GROUP BY customer_id)""",
            self.p,
        )
        orders, revenue, buyers = int(r["orders"] or 0), float(r["revenue"] or 0), r["buyers"]
        return {
            "orders": orders,
            "revenue": round(revenue, 2),
            "buyers": buyers,
            "average_order_value": metrics.ratio(revenue, orders),
            "purchase_frequency": metrics.ratio(orders, buyers),
            "repeat_buyers": r["repeaters"],
            "repeat_purchase_rate_pct": metrics.pct(r["repeaters"], buyers),
        }

    def retention(self) -> dict[str, object]:
        (r,) = _dicts(
            self.con,
            """
            SELECT count(*) FILTER (WHERE s) AS s, count(*) FILTER (WHERE e) AS e,
                   count(*) FILTER (WHERE first >= $lo AND first < $hi) AS new
            FROM (SELECT customer_id, bool_or(placed_at >= $slo AND placed_at < $lo) AS s,
                         bool_or(placed_at >= $ehi AND placed_at < $hi) AS e, min(placed_at) AS first
                  FROM orders WHERE status NOT IN ('cancelled', 'refunded') GROUP BY customer_id)""",
            self.retention_p,
        )
        s, e, new = r["s"], r["e"], r["new"]
        rate = (e - new) / s if s else None
        return {
            "start_customers": s,
            "end_customers": e,
            "new_customers": new,
            "retention_pct": round(100.0 * rate, 1) if rate is not None else None,
            "churn_pct": round(100.0 * (1 - rate), 1) if rate is not None else None,
            "window_days": metrics.ACTIVE_WINDOW_DAYS,
        }

    def cohorts(self) -> list[dict[str, object]]:
        rows = self.con.execute(
            f"""
            WITH o AS (SELECT DISTINCT customer_id, date_trunc('month', {LOCAL.format(col="placed_at")}) AS m
                       FROM orders WHERE status NOT IN ('cancelled', 'refunded') AND placed_at < $hi),
                 f AS (SELECT customer_id AS c, min(m) AS cohort FROM o GROUP BY 1)
            SELECT strftime(f.cohort, '%Y-%m'), strftime(o.m, '%Y-%m'), count(*)
            FROM o JOIN f ON f.c = o.customer_id GROUP BY f.cohort, o.m""",
            {"hi": self.p["hi"]},
        ).fetchall()
        wanted = metrics.months_of(self.f)
        first = {m: i for i, m in enumerate(wanted)}
        table: dict[str, dict[int, int]] = {m: {} for m in wanted}
        for c, m, n in rows:
            if c in first:
                offset = (int(m[:4]) - int(c[:4])) * 12 + int(m[5:7]) - int(c[5:7])
                table[c][offset] = table[c].get(offset, 0) + int(n)
        out = []
        for month in wanted:
            size = table[month].get(0, 0)
            out.append(
                {
                    "cohort": month,
                    "customers": size,
                    "retained_pct": [
                        metrics.pct(table[month].get(k, 0), size)
                        for k in range(1, len(wanted) - first[month])
                    ],
                }
            )
        return out

    def customer_value(self) -> dict[str, object]:
        edges = list(CLV_BUCKETS)
        buckets = ", ".join(
            f"count(*) FILTER (WHERE clv >= {lo}"
            + (f" AND clv < {edges[i + 1]}" if i + 1 < len(edges) else "")
            + f") AS b{i}"
            for i, lo in enumerate(edges)
        )
        (r,) = _dicts(
            self.con,
            f"""
            SELECT count(*) AS customers, avg(revenue) AS historical, avg(clv) AS predicted, avg(p_alive) AS alive,
                   count(clv) AS scored, max(computed_at) AS last, {buckets} FROM cv""",
            {},
        )
        distribution = [
            {"from": lo, "to": edges[i + 1] if i + 1 < len(edges) else None, "customers": r[f"b{i}"]}
            for i, lo in enumerate(edges)
        ]
        top = [
            {
                "id": t["customer_id"],
                "name": t["display_name"],
                "clv": t["clv"],
                "p_alive": t["p_alive"],
                "revenue": t["revenue"],
                "segment": t["segment"],
            }
            for t in _dicts(
                self.con,
                f"""
            SELECT v.customer_id, c.display_name, v.clv, v.p_alive, v.revenue, v.segment
            FROM cv v JOIN customers c ON c.id = v.customer_id WHERE v.clv IS NOT NULL
            ORDER BY v.clv DESC, v.customer_id LIMIT {TOP_CUSTOMERS}""",
                {},
            )
        ]
        grid = [[0] * 5 for _ in range(5)]
        for rs, fs, n in self.con.execute(
            "SELECT recency_score, frequency_score, count(*) FROM cv GROUP BY 1, 2"
        ).fetchall():
            if 1 <= rs <= 5 and 1 <= fs <= 5:
                grid[rs - 1][fs - 1] = n
        labels = dict(Segment.choices)
        counts = dict(self.con.execute("SELECT segment, count(*) FROM cv GROUP BY 1").fetchall())
        return {
            "customers": r["customers"],
            "historical_clv": metrics.rounded(r["historical"]),
            "predicted_clv": metrics.rounded(r["predicted"]),
            "mean_p_alive": metrics.rounded(r["alive"], 3),
            "scored": r["scored"],
            "computed_at": r["last"].isoformat() if r["last"] else None,
            "distribution": distribution,
            "top": top,
            "rfm_grid": grid,
            "segments": [
                {"segment": c, "label": str(labels[c]), "customers": counts.get(c, 0)} for c in Segment.values
            ],
        }

    def dashboard(self) -> dict[str, object]:
        return {
            "filters": self.f.as_params(),
            "csat": self.csat(),
            "nps": self.nps(),
            "reviews": self.reviews(),
            "feedback_trend": self.feedback_trend(),
            "commerce": self.commerce(),
            "retention": self.retention(),
            "cohorts": self.cohorts(),
            "value": self.customer_value(),
            "service": self.service(),
            "service_by_team": self.service_by("team"),
            "service_by_channel": self.service_by("channel"),
            "service_by_agent": self.service_by("agent"),
            "service_by_type": self.service_by("type"),
            "service_by_month": self.service_by("month"),
            "backlog_trend": self.backlog_trend(),
        }
