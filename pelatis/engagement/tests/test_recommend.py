"""Bought together: the lift table against one computed by hand, the minimum support, and each
customer's suggestions without what they already own."""

from __future__ import annotations

import datetime as dt

import pytest

from pelatis.customers.models import Order
from pelatis.engagement.recommend import lift_table, pairs_compute, recommendations_for, recommendations_text

from .journey_fixtures import buy, person

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
PRODUCTS = {"A": "Ποδήλατο", "B": "Κράνος", "C": "Φανάρι", "D": "Παγούρι"}


def line(sku: str) -> tuple[str, str, str]:
    return (sku, PRODUCTS[sku], "Ποδήλατα")


@pytest.fixture
def baskets() -> dict[str, int]:
    """Five orders: AB, ABC (with A twice), AC, BD, D (and a cancelled AD); n = 5, with A 3, B 3, C 2, D 2."""
    first, second, third = (
        person("Άννα", "Α", "a@example.gr"),
        person("Βασίλης", "Β", "b@example.gr"),
        person("Γιώτα", "Γ", "c@example.gr"),
    )
    buy(first, "R-1", NOW, line("A"), line("B"))
    buy(first, "R-2", NOW, line("A"), line("B"), line("C"), line("A"))
    buy(second, "R-3", NOW, line("A"), line("C"))
    buy(third, "R-4", NOW, line("B"), line("D"))
    buy(third, "R-5", NOW, line("D"))
    cancelled = buy(third, "R-6", NOW, line("A"), line("D"))  # a cancelled order counts for nothing
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    return {"first": first.pk, "second": second.pk, "third": third.pk}


def test_lift_table_matches_the_hand_computed_one(baskets: dict[str, int]) -> None:
    pairs = pairs_compute(min_support=0, min_together=1)
    got = {
        tuple(sorted((pairs.items[a], pairs.items[b]))): (t, round(lift, 4))
        for a, b, t, lift in zip(pairs.a, pairs.b, pairs.together, pairs.lift(), strict=True)
    }
    # lift = together · n / (with A · with B), n = 5
    assert got == {
        ("A", "B"): (2, round(2 * 5 / (3 * 3), 4)),
        ("A", "C"): (2, round(2 * 5 / (3 * 2), 4)),
        ("B", "C"): (1, round(1 * 5 / (3 * 2), 4)),
        ("B", "D"): (1, round(1 * 5 / (3 * 2), 4)),
    }
    assert pairs.baskets == 5


def test_minimum_support_drops_rare_pairs(baskets: dict[str, int]) -> None:
    pairs = pairs_compute(min_support=0.4, min_together=1)  # 2 of 5 baskets
    assert {
        tuple(sorted((pairs.items[a], pairs.items[b]))) for a, b in zip(pairs.a, pairs.b, strict=True)
    } == {
        ("A", "B"),
        ("A", "C"),
    }


def test_partners_best_lift_first(baskets: dict[str, int]) -> None:
    table = lift_table(min_support=0, min_together=1)
    assert [(p.product, p.name) for p in table.partners["A"]] == [("C", "Φανάρι"), ("B", "Κράνος")]
    assert table.partners["A"][0].lift == pytest.approx(10 / 6)


def test_suggestions_skip_what_the_customer_owns(baskets: dict[str, int]) -> None:
    table = lift_table(min_support=0, min_together=1)

    assert [p.product for p in recommendations_for(baskets["second"], table=table)] == ["B"]
    # B–C and B–D have a lift below 1 (bought together less often than by chance): never suggested.
    assert [p.product for p in recommendations_for(baskets["third"], table=table)] == ["A"]
    assert recommendations_for(baskets["first"], table=table) == []
    assert [p.product for p in recommendations_for(baskets["third"], table=table, min_lift=0)] == ["A", "C"]


def test_suggestions_as_text_for_a_message(baskets: dict[str, int], settings: object) -> None:
    from pelatis.engagement.recommend import recommendations_refresh

    recommendations_refresh(min_support=0, min_together=1)
    assert recommendations_text(baskets["third"]) == "• Ποδήλατο"
    assert recommendations_text(baskets["first"]) == ""


def test_customer_baskets_join_orders_within_the_window() -> None:
    someone = person("Δήμος", "Δ", "d@example.gr")
    buy(someone, "W-1", NOW, line("A"))
    buy(someone, "W-2", NOW + dt.timedelta(hours=1), line("D"))
    by_order = pairs_compute(min_support=0, min_together=1)
    by_customer = pairs_compute(min_support=0, min_together=1, basket="customer", window_days=30)
    assert len(by_order.a) == 0
    assert [
        (by_customer.items[a], by_customer.items[b])
        for a, b in zip(by_customer.a, by_customer.b, strict=True)
    ] == [("A", "D")]
