"""Rewards taken at the same moment on separate PostgreSQL connections: never more than the stock, never
below a zero balance (the account row, then the reward row, are locked in that order by every redeemer)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create

from ..models import LedgerEntry, LoyaltyAccount, Reward
from ..services.ledger import InsufficientPoints, balance_check, points_adjust
from ..services.rewards import RewardUnavailable, reward_redeem

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; CI runs it there"
    ),
    pytest.mark.django_db(transaction=True),
]


def _redeem_together(pairs: list[tuple[int, int]]) -> list[str]:
    """Each ``(customer_id, reward_id)`` redeemed on its own thread and connection at once; the outcomes."""
    start = threading.Barrier(len(pairs), timeout=20)
    outcomes: list[str] = []
    guard = threading.Lock()

    def redeem(customer_id: int, reward_id: int) -> None:
        try:
            start.wait()
            reward_redeem(customer_id=customer_id, reward_id=reward_id, by=None)
            outcome = "ok"
        except InsufficientPoints:
            outcome = "short"
        except RewardUnavailable as exc:
            outcome = str(exc.code)
        except Exception as exc:  # anything else is a failure the test must show
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=redeem, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a redeemer hung"
    return outcomes


def _customer(n: int, points: int) -> Customer:
    customer = customer_create(data=CustomerInput(first_name="Ελένη", last_name=f"Κωνσταντίνου {n}"))
    points_adjust(customer=customer, points=points, reason="Αρχικοί πόντοι", by=None)
    return customer


def test_eight_customers_race_for_three_left_in_stock() -> None:
    reward = Reward.objects.create(name="Κρασί Σαντορίνης", points_cost=50, stock=3)
    customers = [_customer(n, 100) for n in range(8)]

    outcomes = _redeem_together([(c.pk, reward.pk) for c in customers])

    assert sorted(outcomes) == ["ok"] * 3 + ["out_of_stock"] * 5
    reward.refresh_from_db()
    assert reward.stock == 0
    assert LedgerEntry.objects.filter(kind="redeem", reward=reward).count() == 3
    assert sorted(LoyaltyAccount.objects.values_list("balance", flat=True)) == [50] * 3 + [100] * 5


def test_one_customer_takes_only_what_the_balance_covers() -> None:
    reward = Reward.objects.create(name="Καφές", points_cost=30, stock=10)
    customer = _customer(0, 100)

    outcomes = _redeem_together([(customer.pk, reward.pk)] * 6)

    assert sorted(outcomes) == ["ok"] * 3 + ["short"] * 3
    reward.refresh_from_db()
    assert reward.stock == 7
    assert LoyaltyAccount.objects.get(customer=customer).balance == 10
    assert balance_check(customer=customer).ok
