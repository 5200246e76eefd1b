"""The card never says "no tier yet, 0 € more" to a customer who already qualifies: it says which tier they
qualify for (reading places no one); the worker's order sync reviews the tiers of the customers it booked,
so they are placed right after their orders' points."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.loyalty.models import LoyaltyAccount, Tier, TierChange
from pelatis.loyalty.queries import tier_status
from pelatis.loyalty.services.orders import loyalty_orders_sync
from pelatis.loyalty.tasks import loyalty_orders_sync_task
from pelatis.loyalty.tests.helpers import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers(db: None) -> dict[str, Tier]:
    return {
        "bronze": Tier.objects.create(name="Χάλκινο", name_en="Bronze", threshold=Decimal("0")),
        "silver": Tier.objects.create(name="Ασημένιο", name_en="Silver", threshold=Decimal("300")),
        "gold": Tier.objects.create(name="Χρυσό", name_en="Gold", threshold=Decimal("5000")),
    }


def _card(client: Any, customer: Customer) -> str:
    html: str = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    start = html.index('id="loyalty-card"')
    return html[start : html.index("</section>", start)]


def test_a_customer_who_qualifies_is_told_so_and_reading_places_no_one(
    client_as: Any, reader: Any, papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    # given: €3,989.70 of orders booked, the tier review not run yet
    order = paid_order(papadopoulos, "ORD-1", "3989.70", sync=False)
    loyalty_orders_sync(order_ids=[order.pk])
    # when
    card = _card(client_as(reader), papadopoulos)
    # then: silver (the highest reached), and what gold still needs from there
    assert f'data-qualifies="{tiers["silver"].pk}"' in card
    assert "No tier yet" not in card
    assert "Silver" in card
    assert "Gold" in card
    assert "€1,010.30" in card
    assert "€0.00" not in card
    status = tier_status(papadopoulos.pk, language="en")
    assert status is not None
    assert (status.tier, status.qualifies, status.next_tier) == (None, "Silver", "Gold")
    account = LoyaltyAccount.objects.get(customer=papadopoulos)
    assert account.tier is None
    assert not TierChange.objects.exists()


def test_a_placed_customer_has_nothing_to_qualify_for(
    client_as: Any, reader: Any, papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    order = paid_order(papadopoulos, "ORD-1", "120.00", sync=False)
    loyalty_orders_sync_task.call(order_ids=[order.pk])

    card = _card(client_as(reader), papadopoulos)

    assert "data-qualifies" not in card
    assert "Bronze" in card
    assert "€180.00" in card  # to silver


def test_the_order_sync_task_places_its_customers_at_once(
    papadopoulos: Customer, make_customer: Any, tiers: dict[str, Tier], api_as: Any, reader: Any
) -> None:
    # given: two customers' orders, one of them still waiting to be told to loyalty
    other = make_customer(first_name="Μαρία", last_name="Ιωάννου")
    big = paid_order(papadopoulos, "ORD-1", "3989.70", sync=False)
    small = paid_order(other, "ORD-2", "50.00", sync=False)
    # when: the worker books the first customer's order
    loyalty_orders_sync_task.call(order_ids=[big.pk])
    # then: that customer is placed; the other, whose orders were not in the task, is not reviewed
    account = LoyaltyAccount.objects.get(customer=papadopoulos)
    assert account.tier == tiers["silver"]
    assert TierChange.objects.filter(account=account, to_tier=tiers["silver"]).count() == 1
    assert not LoyaltyAccount.objects.filter(customer=other).exists()
    body = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}").json()
    assert body["tier"]["id"] == tiers["silver"].pk
    assert body["qualifies_for"] is None
    assert body["next_tier"]["id"] == tiers["gold"].pk
    # and a second run of the same task changes nothing
    loyalty_orders_sync_task.call(order_ids=[big.pk, small.pk])
    assert TierChange.objects.filter(account=account).count() == 1
    assert LoyaltyAccount.objects.get(customer=other).tier == tiers["bronze"]


def test_the_api_names_the_tier_a_customer_qualifies_for(
    papadopoulos: Customer, tiers: dict[str, Tier], api_as: Any, reader: Any
) -> None:
    order = paid_order(papadopoulos, "ORD-1", "400.00", sync=False)
    loyalty_orders_sync(order_ids=[order.pk])

    body = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}").json()

    assert body["tier"] is None
    assert body["qualifies_for"] == {"id": tiers["silver"].pk, "name": "Silver"}
    assert body["next_tier"]["id"] == tiers["gold"].pk
    assert Decimal(body["next_tier"]["needed"]) == Decimal("4600")
