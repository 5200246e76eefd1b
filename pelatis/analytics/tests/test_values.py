"""Stored customer scores (customer_values_refresh), the CLV fit on a generated book, and the
dashboard cache (dashboard_for / dashboard_refresh)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

import pytest

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.value import customer_value
from pelatis.analytics.models import ClvFit, CustomerValue, MetricSnapshot
from pelatis.analytics.services import MIN_REPEAT_BUYERS, customer_values_refresh, dashboard_for
from pelatis.analytics.tests.helpers import JANUARY, at, clock, customer, order
from pelatis.customers.models import Order

# --- customer_values_refresh ---------------------------------------------------------------------


def test_refresh_stores_totals_scores_and_segments(db: None) -> None:
    # given A: three orders (the last on 28 June), B: one order in January (plus a cancelled one later),
    # C: two orders, the last on 1 June; and an order of A after the as-of day
    a, b, c = customer(), customer(), customer()
    order(a, at(2026, 3, 1), "20.00")
    order(a, at(2026, 5, 1), "30.00")
    order(a, at(2026, 6, 28), "50.00")
    order(a, at(2026, 7, 2), "999.00")
    order(b, at(2026, 1, 10), "15.00")
    order(b, at(2026, 6, 29), "80.00", status=Order.Status.CANCELLED)
    order(c, at(2026, 2, 1), "40.00")
    order(c, at(2026, 6, 1), "45.50")
    # when
    run = customer_values_refresh(as_of=dt.date(2026, 6, 30), fit=True)
    # then: three rows; with three customers the rank scores are 1, 2 and 4 (1 + floor(5 (rank − 1) / 3))
    assert run.customers == 3
    assert run.fit is None
    assert run.why_not_fitted == f"only 2 customers bought twice (at least {MIN_REPEAT_BUYERS} needed)"
    rows = {v.customer_id: v for v in CustomerValue.objects.all()}
    assert set(rows) == {a.pk, b.pk, c.pk}
    got = {
        name: (v.orders, v.revenue, v.first_order, v.last_order, v.recency_score, v.frequency_score,
               v.monetary_score, v.segment)
        for name, v in (("a", rows[a.pk]), ("b", rows[b.pk]), ("c", rows[c.pk]))
    }  # fmt: skip
    assert got == {
        # recency 2 days → best → 4; frequency 3 → 4; revenue 100 → 4: (R4, F4) loyal
        "a": (3, 100.0, dt.date(2026, 3, 1), dt.date(2026, 6, 28), 4, 4, 4, "loyal"),
        # 171 days, 1 order, 15.00: all 1 → hibernating
        "b": (1, 15.0, dt.date(2026, 1, 10), dt.date(2026, 1, 10), 1, 1, 1, "hibernating"),
        # 29 days → 2; 2 orders → 2; 85.50 → 2: (R2, F2) hibernating
        "c": (2, 85.5, dt.date(2026, 2, 1), dt.date(2026, 6, 1), 2, 2, 2, "hibernating"),
    }
    assert all(v.p_alive is None and v.clv is None and v.expected_purchases is None for v in rows.values())
    assert not ClvFit.objects.exists()


def test_refresh_replaces_the_table_as_a_whole(db: None) -> None:
    a = customer()
    order(a, at(2026, 1, 5))
    customer_values_refresh(as_of=dt.date(2026, 1, 31), fit=False)
    b = customer()
    order(b, at(2026, 2, 5))
    order(a, at(2026, 2, 6))
    customer_values_refresh(as_of=dt.date(2026, 2, 28), fit=False)
    assert CustomerValue.objects.count() == 2
    assert CustomerValue.objects.get(customer=a).orders == 2


def test_refresh_without_orders_raises_and_keeps_what_was_there(db: None) -> None:
    order(customer(), at(2026, 3, 1))
    customer_values_refresh(as_of=dt.date(2026, 3, 31), fit=False)
    with pytest.raises(ValueError, match="no orders up to 2026-02-28"):
        customer_values_refresh(as_of=dt.date(2026, 2, 28), fit=False)
    assert CustomerValue.objects.count() == 1


def test_refresh_counts_order_days_in_the_business_time_zone(db: None) -> None:
    # half past midnight on 10 March is still 9 March in UTC when the business runs ahead of UTC
    who = customer()
    order(who, at(2026, 3, 10, 0, 30))
    customer_values_refresh(as_of=dt.date(2026, 3, 10), fit=False)
    value = CustomerValue.objects.get(customer=who)
    assert (value.first_order, value.last_order) == (dt.date(2026, 3, 10), dt.date(2026, 3, 10))


def test_customer_value_before_a_fit_has_no_predicted_value(db: None) -> None:
    order(customer(), at(2026, 1, 5), "40.00")
    customer_values_refresh(as_of=dt.date(2026, 1, 31), fit=False)
    value = customer_value(JANUARY)
    assert (value["customers"], value["scored"], value["historical_clv"]) == (1, 0, 40.0)
    assert value["predicted_clv"] is None
    assert value["mean_p_alive"] is None
    assert value["top"] == []


def _generated_book(size: int, as_of: dt.date, seed: int = 2026) -> None:
    """Customers who start buying at random in the two years before ``as_of``, buy again every
    ~45 days and stop after any purchase with probability 0.3 (a BG/NBD-like process)."""
    rng = random.Random(seed)
    for _ in range(size):
        who = customer()
        day = as_of - dt.timedelta(days=rng.randint(20, 720))
        while day <= as_of:
            order(who, at(day.year, day.month, day.day), f"{rng.uniform(8, 240):.2f}")
            if rng.random() < 0.3:
                break
            day += dt.timedelta(days=1 + int(rng.expovariate(1 / 45)))


def test_refresh_fits_the_clv_models_on_a_generated_book(db: None) -> None:
    # given three hundred customers, most of them repeat buyers
    as_of = dt.date(2026, 6, 30)
    _generated_book(300, as_of)
    # when
    run = customer_values_refresh(as_of=as_of, fit=True)
    # then: one fit stored, with positive parameters of both models
    assert run.fit is not None
    assert run.why_not_fitted == ""
    fit = ClvFit.objects.get()
    assert (fit.as_of, fit.unit, fit.customers) == (as_of, "W", 300)
    assert set(fit.purchase_params) == {"r", "alpha", "a", "b"}
    assert set(fit.spend_params) == {"p", "q", "v"}
    assert all(v > 0 for v in [*fit.purchase_params.values(), *fit.spend_params.values()])
    rows = list(CustomerValue.objects.all())
    assert len(rows) == 300
    assert sum(v.orders > 1 for v in rows) >= MIN_REPEAT_BUYERS
    for v in rows:
        assert v.p_alive is not None
        assert 0.0 <= v.p_alive <= 1.0
        assert v.expected_purchases is not None
        assert v.expected_purchases >= 0.0
        assert v.clv is not None
        assert v.clv >= 0.0
        if v.orders == 1:
            assert v.p_alive == 1.0  # BG/NBD: no repeat purchase, no evidence of dropping out
    # and the dashboard reads them
    value = customer_value(Filters(dt.date(2025, 7, 1), as_of))
    assert value["scored"] == 300
    assert value["predicted_clv"] > 0
    assert sum(row["customers"] for row in value["distribution"]) == 300


# --- the dashboard cache -------------------------------------------------------------------------


def test_dashboard_for_reuses_a_fresh_snapshot_and_refresh_recomputes(
    db: None, django_assert_num_queries: Any
) -> None:
    # given a dashboard computed at 09:00
    with clock(at(2026, 2, 2, 9)):
        first = dashboard_for(JANUARY)
    assert first.data["commerce"]["orders"] == 0
    order(customer(), at(2026, 1, 10))
    # when asked again ten minutes later: the kept one, in one query
    with clock(at(2026, 2, 2, 9, 10)), django_assert_num_queries(1):
        again = dashboard_for(JANUARY)
    assert (again.pk, again.computed_at, again.data["commerce"]["orders"]) == (first.pk, first.computed_at, 0)
    # when refresh is asked for: computed now, in the same row
    with clock(at(2026, 2, 2, 9, 11)):
        fresh = dashboard_for(JANUARY, refresh=True)
    assert (fresh.pk, fresh.computed_at, fresh.data["commerce"]["orders"]) == (
        first.pk,
        at(2026, 2, 2, 9, 11),
        1,
    )
    assert MetricSnapshot.objects.count() == 1


def test_dashboard_for_recomputes_an_old_snapshot(db: None) -> None:
    with clock(at(2026, 2, 2, 9)):
        first = dashboard_for(JANUARY)
    order(customer(), at(2026, 1, 10))
    with clock(at(2026, 2, 2, 9, 16)):  # older than the default 15 minutes
        later = dashboard_for(JANUARY)
    assert later.pk == first.pk
    assert (later.computed_at, later.data["commerce"]["orders"]) == (at(2026, 2, 2, 9, 16), 1)
    with clock(at(2026, 2, 2, 9, 30)):  # fourteen minutes old, but the caller wants at most ten
        last = dashboard_for(JANUARY, max_age=dt.timedelta(minutes=10))
    assert last.computed_at == at(2026, 2, 2, 9, 30)


def test_each_set_of_filters_keeps_its_own_snapshot(db: None) -> None:
    order(customer(), at(2026, 1, 10), "25.00")
    with clock(at(2026, 2, 2, 9)):
        whole = dashboard_for(JANUARY)
        narrowed = dashboard_for(replace(JANUARY, segment="champions"))
    assert whole.pk != narrowed.pk
    assert (whole.data["commerce"]["revenue"], narrowed.data["commerce"]["revenue"]) == (25.0, 0.0)
    assert narrowed.params == {"start": "2026-01-01", "end": "2026-01-31", "segment": "champions"}
    assert MetricSnapshot.objects.count() == 2
