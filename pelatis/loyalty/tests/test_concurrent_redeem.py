"""Redemptions at the same moment on separate connections: the balance covers some, never more.

PostgreSQL locks the account row (SELECT … FOR UPDATE), so the second redeemer waits and then reads the
balance the first left; exactly the covered number succeed and the balance never goes below zero.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create

from ..models import LedgerEntry, LoyaltyAccount
from ..services.ledger import InsufficientPoints, balance_check, points_adjust, points_redeem

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; CI runs it there"
    ),
    pytest.mark.django_db(transaction=True),
]


def _redeem_together(customer: Customer, attempts: int, points: int) -> list[str]:
    """``attempts`` threads, each on its own connection, redeem ``points`` at once; what each got."""
    start = threading.Barrier(attempts, timeout=20)
    outcomes: list[str] = []
    guard = threading.Lock()

    def redeem() -> None:
        try:
            start.wait()
            points_redeem(customer=customer, points=points, reason="Ταυτόχρονη εξαργύρωση", by=None)
            outcome = "ok"
        except InsufficientPoints:
            outcome = "short"
        except Exception as exc:  # anything else is a failure the test must show
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=redeem) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a redeemer hung"
    return outcomes


@pytest.fixture
def customer_with_10_points() -> Any:
    customer = customer_create(data=CustomerInput(first_name="Ελένη", last_name="Κωνσταντίνου"))
    points_adjust(customer=customer, points=10, reason="Αρχικοί πόντοι", by=None)
    return customer


def test_two_redeemers_of_more_than_half_one_succeeds(customer_with_10_points: Customer) -> None:
    outcomes = _redeem_together(customer_with_10_points, attempts=2, points=7)

    assert sorted(outcomes) == ["ok", "short"]
    assert LoyaltyAccount.objects.get(customer=customer_with_10_points).balance == 3
    assert balance_check(customer=customer_with_10_points).ok


def test_many_redeemers_get_exactly_what_the_balance_covers(customer_with_10_points: Customer) -> None:
    outcomes = _redeem_together(customer_with_10_points, attempts=8, points=3)

    assert sorted(outcomes) == ["ok"] * 3 + ["short"] * 5
    assert LedgerEntry.objects.filter(kind="redeem").count() == 3
    assert LoyaltyAccount.objects.get(customer=customer_with_10_points).balance == 1
    assert balance_check(customer=customer_with_10_points).ok
