"""Redeeming and adjusting by hand, the balance check, and a customer merge carrying the ledger along."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.models import Customer
from pelatis.customers.services import customer_merge

from ..models import LedgerEntry, LoyaltyAccount
from ..services.ledger import InsufficientPoints, balance_check, points_adjust, points_redeem
from .helpers import balance, paid_order


def test_a_partial_redemption_leaves_the_rest(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Ρ-1", "120.00")

    entry = points_redeem(customer=papadopoulos, points=45, reason="Δωρεάν πρωινό για δύο", by=agent)

    assert (entry.kind, entry.points, entry.by, entry.reason) == (
        "redeem",
        -45,
        agent,
        "Δωρεάν πρωινό για δύο",
    )
    assert balance(papadopoulos) == 75
    assert balance_check(customer=papadopoulos).ok


def test_redeeming_more_than_the_balance_writes_nothing(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Ρ-2", "30.00")

    with pytest.raises(InsufficientPoints) as refused:
        points_redeem(customer=papadopoulos, points=31, reason="Σπα", by=agent)

    assert (refused.value.balance, refused.value.wanted) == (30, 31)
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["earn"]
    assert balance(papadopoulos) == 30


def test_a_customer_without_an_account_has_nothing_to_redeem(papadopoulos: Customer, agent: Any) -> None:
    with pytest.raises(InsufficientPoints):
        points_redeem(customer=papadopoulos, points=1, reason="Καφές", by=agent)
    assert not LoyaltyAccount.objects.exists()


def test_redeeming_needs_whole_positive_points_and_a_reason(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Ρ-3", "30.00")
    with pytest.raises(ValidationError):
        points_redeem(customer=papadopoulos, points=0, reason="Καφές", by=agent)
    with pytest.raises(ValidationError):
        points_redeem(customer=papadopoulos, points=5, reason="  ", by=agent)
    assert balance(papadopoulos) == 30


def test_an_adjustment_adds_or_takes_away_but_never_below_zero(papadopoulos: Customer, manager: Any) -> None:
    points_adjust(customer=papadopoulos, points=25, reason="Αποζημίωση για την καθυστέρηση", by=manager)
    points_adjust(customer=papadopoulos, points=-10, reason="Διόρθωση", by=manager)

    with pytest.raises(InsufficientPoints):
        points_adjust(customer=papadopoulos, points=-16, reason="Διόρθωση", by=manager)

    with pytest.raises(ValidationError) as zero:
        points_adjust(customer=papadopoulos, points=0, reason="Τίποτα", by=manager)
    assert zero.value.message_dict["points"] == [
        "Give a whole number of points other than 0, from -10000000 to 10000000."
    ]

    assert balance(papadopoulos) == 15
    assert LedgerEntry.objects.filter(kind="adjust").count() == 2


def test_the_balance_check_finds_a_cache_that_drifted(papadopoulos: Customer) -> None:
    paid_order(papadopoulos, "Ρ-4", "50.00")
    assert balance_check(customer=papadopoulos).ok

    LoyaltyAccount.objects.filter(customer=papadopoulos).update(balance=7)  # something bypassed the services

    check = balance_check(customer=papadopoulos)
    assert (check.cached, check.ledger, check.ok) == (7, 50, False)


def test_a_merge_moves_the_ledger_to_the_kept_customer(
    papadopoulos: Customer, make_customer: Any, manager: Any
) -> None:
    duplicate = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    paid_order(papadopoulos, "Μ-1", "40.00")
    paid_order(duplicate, "Μ-2", "25.00")
    points_redeem(customer=duplicate, points=5, reason="Καφές", by=manager)

    record = customer_merge(survivor=papadopoulos, merged=duplicate, by=manager)

    assert record.moved["loyalty_entries"] == 2
    assert balance(papadopoulos) == 60
    assert balance(duplicate) == 0
    assert LedgerEntry.objects.filter(account__customer=papadopoulos).count() == 3
    assert balance_check(customer=papadopoulos).ok
    assert balance_check(customer=duplicate).ok


def test_a_merge_hands_over_the_account_when_the_kept_customer_has_none(
    papadopoulos: Customer, make_customer: Any, manager: Any
) -> None:
    duplicate = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    paid_order(duplicate, "Μ-3", "25.00")

    customer_merge(survivor=papadopoulos, merged=duplicate, by=manager)

    assert balance(papadopoulos) == 25
    assert LoyaltyAccount.objects.get().customer == papadopoulos
