"""The REST API's tier fields: the tier with its benefits, the next tier and what it needs, null without
tiers; bonus, credit and reward entries in the ledger; the balance an answer names is the one it left."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pelatis.customers.models import Customer

from ..models import LoyaltyProgramme, Reward, Tier
from ..services.bonuses import points_bonus
from ..services.rewards import reward_redeem
from ..services.tiers import tiers_evaluate
from .helpers import paid_order


def test_without_tiers_the_fields_are_null(papadopoulos: Customer, reader: Any, api_as: Any) -> None:
    paid_order(papadopoulos, "Π-1", "10.00")

    body = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}").json()

    assert (body["tier"], body["next_tier"], body["tier_basis"], body["tier_measure"]) == (
        None,
        None,
        None,
        None,
    )
    assert body["balance"] == 10


def test_the_tier_its_benefits_and_the_next_one(papadopoulos: Customer, reader: Any, api_as: Any) -> None:
    silver = Tier.objects.create(
        name="Ασημένιο",
        name_en="Silver",
        threshold=Decimal("100"),
        discount_percent=Decimal("5"),
        free_delivery=True,
    )
    gold = Tier.objects.create(name="Χρυσό", name_en="Gold", threshold=Decimal("1000"))
    paid_order(papadopoulos, "Π-1", "250.00")
    tiers_evaluate()

    response = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}")  # the business speaks English here

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tier"]["id"] == silver.pk
    assert body["tier"]["name"] == "Silver"
    assert body["tier"]["benefits"] == ["5% discount", "Free delivery"]
    assert body["tier"]["grace_until"] is None
    assert body["tier"]["since"] is not None
    assert body["next_tier"]["id"] == gold.pk
    assert Decimal(body["next_tier"]["needed"]) == Decimal("750")
    assert "750.00" in body["next_tier"]["needed_text"]
    assert (body["tier_basis"], Decimal(body["tier_measure"])) == ("spend", Decimal("250"))


def test_a_greek_business_reads_the_greek_names(
    papadopoulos: Customer, reader: Any, api_as: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "el"
    Tier.objects.create(name="Βασικό", name_en="Basic", threshold=Decimal("0"))
    paid_order(papadopoulos, "Π-1", "5.00")
    tiers_evaluate()

    body = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}").json()

    assert body["tier"]["name"] == "Βασικό"
    assert body["next_tier"] is None


def test_bonus_and_reward_entries_say_what_they_were(
    papadopoulos: Customer, reader: Any, agent: Any, api_as: Any
) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"birthday_bonus": 100})
    points_bonus(customer_id=papadopoulos.pk, kind="birthday", key="b:2026")
    reward = Reward.objects.create(name="Καφές", points_cost=30)
    reward_redeem(customer_id=papadopoulos.pk, reward_id=reward.pk, by=agent)

    items = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}").json()["ledger"]["items"]

    assert [(i["kind"], i["points"], i["bonus_kind"], i["reward_id"]) for i in items] == [
        ("redeem", -30, "", reward.pk),
        ("bonus", 100, "birthday", None),
    ]


def test_redeem_answers_the_balance_it_left(papadopoulos: Customer, agent: Any, api_as: Any) -> None:
    paid_order(papadopoulos, "Π-1", "50.00")

    body = (
        api_as(agent)
        .post(f"/api/v1/loyalty/{papadopoulos.pk}/redeem", {"points": 12, "reason": "Σπα"})
        .json()
    )

    assert body["balance"] == 38
