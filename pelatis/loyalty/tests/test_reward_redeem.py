"""Taking a reward: the cost leaves the balance, one leaves the stock; short, inactive or sold out writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.models import Customer

from ..models import LedgerEntry, Reward
from ..services.ledger import InsufficientPoints, balance_check
from ..services.rewards import RewardUnavailable, reward_redeem
from .helpers import balance, paid_order


def _reward(**fields: Any) -> Reward:
    values = {"name": "Δωρεάν πρωινό για δύο", "points_cost": 80, **fields}
    return Reward.objects.create(**values)


def test_a_reward_costs_its_points_and_one_from_stock(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Π-1", "100.00")
    reward = _reward(stock=3)

    entry = reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    assert (entry.kind, entry.points, entry.reward, entry.by) == ("redeem", -80, reward, agent)
    assert entry.reason == "Δωρεάν πρωινό για δύο"
    assert balance(papadopoulos) == 20
    reward.refresh_from_db()
    assert reward.stock == 2
    assert balance_check(customer=papadopoulos).ok


def test_an_unlimited_reward_keeps_no_count(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Π-1", "200.00")
    reward = _reward(stock=None)

    reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)
    reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    reward.refresh_from_db()
    assert reward.stock is None
    assert balance(papadopoulos) == 40


def test_short_of_points_raises_and_writes_nothing(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Π-1", "79.00")
    reward = _reward(stock=1)

    with pytest.raises(InsufficientPoints) as caught:
        reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    assert (caught.value.balance, caught.value.wanted) == (79, 80)
    reward.refresh_from_db()
    assert reward.stock == 1
    assert not LedgerEntry.objects.filter(kind="redeem").exists()


def test_a_customer_without_an_account_is_short(papadopoulos: Customer, agent: Any) -> None:
    reward = _reward()

    with pytest.raises(InsufficientPoints):
        reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)


@pytest.mark.parametrize(
    ("fields", "code"), [({"active": False}, "inactive"), ({"stock": 0}, "out_of_stock")]
)
def test_an_inactive_or_sold_out_reward_is_refused(
    papadopoulos: Customer, agent: Any, fields: dict[str, Any], code: str
) -> None:
    paid_order(papadopoulos, "Π-1", "500.00")
    reward = _reward(**fields)

    with pytest.raises(RewardUnavailable) as caught:
        reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    assert caught.value.code == code
    assert "reward_id" in caught.value.message_dict
    assert "Δωρεάν πρωινό για δύο" in caught.value.message_dict["reward_id"][0]
    assert balance(papadopoulos) == 500
    assert not LedgerEntry.objects.filter(kind="redeem").exists()


def test_the_last_one_goes_then_it_is_sold_out(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Π-1", "500.00")
    reward = _reward(stock=1)

    reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)
    with pytest.raises(RewardUnavailable):
        reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    assert balance(papadopoulos) == 420


def test_an_unknown_reward_names_the_field(papadopoulos: Customer, agent: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        reward_redeem(customer_id=papadopoulos.pk, reward_id=424242, by=agent)

    assert "reward_id" in caught.value.message_dict


def test_a_redeemed_reward_cannot_be_deleted(papadopoulos: Customer, agent: Any) -> None:
    from django.db.models import ProtectedError

    paid_order(papadopoulos, "Π-1", "100.00")
    reward = _reward()
    reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    with pytest.raises(ProtectedError):
        reward.delete()
