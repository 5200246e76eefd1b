"""The whole dashboard as one document: a fixed number of queries whatever the data size, and its
summary lines (a dash where there is no data, numbers formatted for the reader)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pelatis.analytics.metrics.overview import dashboard, summary_rows
from pelatis.analytics.metrics.value import customer_value
from pelatis.analytics.services import customer_values_refresh
from pelatis.analytics.tests.helpers import JANUARY, at, customer, order, rated, reply, ticket
from pelatis.helpdesk.models import Ticket


def _book(size: int, agent: Any) -> None:
    for i in range(size):
        who = customer()
        order(who, at(2025, 11, 1 + i % 28))
        order(who, at(2026, 1, 1 + i % 28), "25.00")
        opened = reply(
            ticket(who, at(2026, 1, 5, 9)), agent, at(2026, 1, 5, 10), status=Ticket.Status.RESOLVED
        )
        rated(opened, 1 + i % 5, sent=at(2026, 1, 6), answered=at(2026, 1, 7))
    customer_values_refresh(as_of=dt.date(2026, 1, 31), fit=False)


def _dashboard_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(JANUARY)
    return len(queries)


def test_dashboard_runs_as_many_queries_for_fifty_customers_as_for_five(
    db: None, agent: Any, django_assert_max_num_queries: Any
) -> None:
    _book(5, agent)
    few = _dashboard_queries()
    _book(45, agent)
    many = _dashboard_queries()
    assert few == many == 14  # one per number group and one for the agents' names, whatever the data size
    with django_assert_max_num_queries(14):
        data = dashboard(JANUARY)
    assert data["commerce"]["orders"] == 50
    assert data["csat"]["answered"] == 50


def test_summary_rows_show_a_dash_where_there_is_no_data(db: None) -> None:
    rows = dict(summary_rows(dashboard(JANUARY)))
    for label in ("Satisfaction (CSAT)", "CSAT response rate", "Net Promoter Score (NPS)", "NPS response rate",
                  "Average order value",
                  "Purchase frequency", "Repeat-purchase rate", "Retention", "Churn",
                  "First response (business hours)", "Resolution (business hours)", "First-contact resolution",
                  "SLA compliance", "Reopen rate"):  # fmt: skip
        assert rows[label] == "—", label
    assert (rows["Orders"], rows["Backlog"]) == ("0", "0")


def test_customer_value_without_scores_is_none(db: None) -> None:
    # no CustomerValue rows at all: there is no value per customer, not a value of 0
    empty = customer_value(JANUARY)
    assert (empty["customers"], empty["historical_clv"], empty["predicted_clv"], empty["mean_p_alive"]) == (
        0, None, None, None)  # fmt: skip
    rows = dict(summary_rows(dashboard(JANUARY)))
    assert rows["Historical value per customer"] == "—"
    assert rows["Predicted 12-month value per customer"] == "—"


def test_summary_rows_format_numbers(db: None) -> None:
    who = customer()
    order(who, at(2026, 1, 3), "1234.50")
    rated(ticket(who, at(2026, 1, 5)), 4, sent=at(2026, 1, 5), answered=at(2026, 1, 6))
    rows = dict(summary_rows(dashboard(JANUARY)))
    assert rows["Satisfaction (CSAT)"] == "100.0 %"
    assert rows["Revenue"] == "€1,234.50"
    assert rows["Orders"] == "1"
