"""Orders, retention and churn, cohorts, segments and customer value on a book small enough to check
by hand (definitions in docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.purchases import cohorts, commerce, retention
from pelatis.analytics.metrics.satisfaction import csat
from pelatis.analytics.metrics.value import customer_value
from pelatis.analytics.models import CustomerValue
from pelatis.analytics.services import customer_values_refresh
from pelatis.analytics.tests.helpers import JANUARY, at, customer, order, rated, ticket
from pelatis.customers.models import Customer, Order


def test_commerce_of_a_small_month(db: None) -> None:
    # given A: 10 + 30, B: 20 (+ a cancelled 100 and a refunded 50), C: 40 on the last evening
    # and 5 just after midnight on 1 February
    a, b, c = customer("Άννα"), customer("Βασίλης"), customer("Γιάννης")
    order(a, at(2026, 1, 3), "10.00")
    order(a, at(2026, 1, 20), "30.00")
    order(b, at(2026, 1, 10), "20.00")
    order(b, at(2026, 1, 11), "100.00", status=Order.Status.CANCELLED)
    order(b, at(2026, 1, 12), "50.00", status=Order.Status.REFUNDED)
    order(c, at(2026, 1, 31, 23, 59), "40.00")
    order(c, at(2026, 2, 1, 0, 0), "5.00")
    # when
    result = commerce(JANUARY)
    # then: 4 orders, 100.00 revenue from 3 buyers; AOV 100 / 4 = 25; frequency 4 / 3 = 1.33;
    # one buyer (A) of three bought twice = 33.3 %
    assert result == {"orders": 4, "revenue": 100.0, "buyers": 3, "average_order_value": 25.0,
                      "purchase_frequency": 1.33, "repeat_buyers": 1, "repeat_purchase_rate_pct": 33.3}  # fmt: skip


def test_commerce_without_orders(db: None) -> None:
    assert commerce(JANUARY) == {"orders": 0, "revenue": 0.0, "buyers": 0, "average_order_value": None,
                                         "purchase_frequency": None, "repeat_buyers": 0,
                                         "repeat_purchase_rate_pct": None}  # fmt: skip


def test_retention_counts_start_end_and_new_customers(db: None) -> None:
    # January 2026 with a 365-day window: S = bought in [2025-01-01, 2026-01-01),
    # E = bought in [2025-02-01, 2026-02-01), N = first sold order in January
    a, b, c, d, e = (customer() for _ in range(5))
    order(a, at(2025, 6, 10))
    order(a, at(2026, 1, 5))  # A: in S and E
    order(b, at(2025, 1, 15))  # B: in S, out of E's window: lost
    order(c, at(2025, 11, 20))  # C: in S and still in E without buying in January
    order(d, at(2026, 1, 20))  # D: new, in E
    order(e, at(2026, 1, 8), status=Order.Status.CANCELLED)  # E: a cancelled order makes nobody a customer
    result = retention(JANUARY)
    # S = {A, B, C} = 3, E = {A, C, D} = 3, N = {D} = 1 → (3 − 1) / 3 = 66.7 %, churn 33.3 %
    assert result == {"start_customers": 3, "end_customers": 3, "new_customers": 1, "retention_pct": 66.7,
                      "churn_pct": 33.3, "window_days": 365}  # fmt: skip


def test_retention_counts_a_returning_customer_as_retained(db: None) -> None:
    # the formula's known property: someone back after more than a window is in E but neither S nor N
    a, b = customer(), customer()
    order(a, at(2025, 3, 1))
    order(b, at(2023, 5, 1))
    order(b, at(2026, 1, 10))
    result = retention(JANUARY)
    assert (result["start_customers"], result["end_customers"], result["new_customers"]) == (1, 2, 0)
    assert (result["retention_pct"], result["churn_pct"]) == (200.0, -100.0)


def test_retention_without_customers_at_the_start_is_none(db: None) -> None:
    order(customer(), at(2026, 1, 5))
    result = retention(JANUARY)
    assert (result["start_customers"], result["new_customers"], result["retention_pct"], result["churn_pct"]) == (
        0, 1, None, None)  # fmt: skip


def test_cohorts_of_a_tiny_book(db: None) -> None:
    a, b, c, d, e = (customer() for _ in range(5))
    order(a, at(2026, 1, 5))
    order(a, at(2026, 1, 20))  # a second order in the same month is the same cohort member
    order(a, at(2026, 2, 10))
    order(b, at(2026, 1, 12))
    order(b, at(2026, 3, 3))
    order(c, at(2026, 2, 14))
    order(c, at(2026, 3, 20))
    order(d, at(2025, 12, 1))  # D's cohort is December, before the period
    order(d, at(2026, 1, 9))
    order(e, at(2026, 1, 25), status=Order.Status.CANCELLED)  # E's first sold order is in March
    order(e, at(2026, 3, 30))
    order(e, at(2026, 4, 2))  # after the period: not read
    table = cohorts(Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    # January: A and B; A bought again in February (+1), B in March (+2); February: C, back in March
    assert table == [
        {"cohort": "2026-01", "customers": 2, "retained_pct": [50.0, 50.0]},
        {"cohort": "2026-02", "customers": 1, "retained_pct": [100.0]},
        {"cohort": "2026-03", "customers": 1, "retained_pct": []},
    ]


def test_an_empty_cohort_has_no_percentages(db: None) -> None:
    table = cohorts(Filters(dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
    assert table == [
        {"cohort": "2026-01", "customers": 0, "retained_pct": [None]},
        {"cohort": "2026-02", "customers": 0, "retained_pct": []},
    ]


def _two_segment_book() -> tuple[Customer, Customer]:
    """A bought twice lately, B once long ago. With two customers the rank scores are 3 and 1, so
    A is (R3, F3) "attention" and B (R1, F1) "hibernating"."""
    a, b = customer("Άννα"), customer("Βασίλης")
    order(a, at(2025, 12, 1), "30.00")
    order(a, at(2026, 1, 10), "50.00")
    order(b, at(2025, 3, 1), "20.00")
    order(b, at(2026, 1, 11), "7.00", status=Order.Status.REFUNDED)
    customer_values_refresh(as_of=dt.date(2026, 1, 15), fit=False)
    assert CustomerValue.objects.get(customer=a).segment == "attention"
    assert CustomerValue.objects.get(customer=b).segment == "hibernating"
    return a, b


def test_segment_narrows_orders_and_feedback_to_its_customers(db: None) -> None:
    a, b = _two_segment_book()
    order(b, at(2026, 1, 12), "70.00")
    rated(ticket(a, at(2026, 1, 12)), 5, sent=at(2026, 1, 12), answered=at(2026, 1, 13))
    rated(ticket(b, at(2026, 1, 12)), 1, sent=at(2026, 1, 12), answered=at(2026, 1, 13))
    attention = replace(JANUARY, segment="attention")
    assert commerce(JANUARY)["revenue"] == 120.0
    assert commerce(attention)["revenue"] == 50.0
    assert csat(JANUARY)["csat_pct"] == 50.0
    assert csat(attention)["csat_pct"] == 100.0
    assert retention(attention)["start_customers"] == 1


def test_customer_value_reads_the_stored_scores(db: None) -> None:
    # given the two-customer book and, as a fit would leave them, CLVs of 120.5 and 8
    a, b = _two_segment_book()
    CustomerValue.objects.filter(customer=a).update(clv=120.5, p_alive=0.9)
    CustomerValue.objects.filter(customer=b).update(clv=8.0, p_alive=0.3)
    # when
    value = customer_value(JANUARY)
    # then: historical value (30 + 50 + 20) / 2 = 50; predicted (120.5 + 8) / 2 = 64.25; P(alive) 0.6
    assert (value["customers"], value["scored"]) == (2, 2)
    assert (value["historical_clv"], value["predicted_clv"], value["mean_p_alive"]) == (50.0, 64.25, 0.6)
    buckets = {(row["from"], row["to"]): row["customers"] for row in value["distribution"]}
    assert buckets[(0, 10)] == 1
    assert buckets[(100, 250)] == 1
    assert buckets[(5000, None)] == 0
    assert sum(buckets.values()) == 2
    assert [(row["id"], row["clv"], row["revenue"]) for row in value["top"]] == [
        (a.pk, 120.5, 80.0), (b.pk, 8.0, 20.0)]  # fmt: skip
    grid = value["rfm_grid"]
    assert grid[3 - 1][3 - 1] == 1
    assert grid[1 - 1][1 - 1] == 1
    assert sum(map(sum, grid)) == 2
    counts = {row["segment"]: row["customers"] for row in value["segments"]}
    assert counts["attention"] == counts["hibernating"] == 1
    assert sum(counts.values()) == 2
    # and a segment narrows it
    only = customer_value(replace(JANUARY, segment="hibernating"))
    assert (only["customers"], only["historical_clv"], only["predicted_clv"]) == (1, 20.0, 8.0)
