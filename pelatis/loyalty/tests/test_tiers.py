"""Tiers by 12-month spend or points: up at once, down only after the grace, each move in the history and
on the timeline; the status a customer sees, with what the next tier still needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from pelatis.customers.models import Customer, Interaction

from ..models import LoyaltyAccount, LoyaltyProgramme, Tier, TierChange
from ..queries import tier_status
from ..services.bonuses import points_bonus
from ..services.orders import months_after
from ..services.tiers import tiers_evaluate
from .helpers import paid_order


@pytest.fixture
def tiers(db: None) -> dict[str, Tier]:
    return {
        "bronze": Tier.objects.create(name="Χάλκινο", name_en="Bronze", position=1, threshold=Decimal("0")),
        "silver": Tier.objects.create(
            name="Ασημένιο",
            name_en="Silver",
            position=2,
            threshold=Decimal("500"),
            discount_percent=Decimal("5"),
        ),
        "gold": Tier.objects.create(
            name="Χρυσό",
            name_en="Gold",
            position=3,
            threshold=Decimal("2000"),
            discount_percent=Decimal("10"),
            free_delivery=True,
            early_access=True,
            perks="Δωρεάν αναβάθμιση δωματίου\nLate check-out",
        ),
    }


def _account(customer: Customer) -> LoyaltyAccount:
    return LoyaltyAccount.objects.select_related("tier").get(customer=customer)


def test_with_no_tiers_nothing_moves_and_there_is_no_status(papadopoulos: Customer) -> None:
    paid_order(papadopoulos, "Π-1", "900.00")

    assert tiers_evaluate() == {"upgrades": 0, "downgrades": 0, "grace_started": 0, "grace_ended": 0}
    assert tier_status(papadopoulos.pk) is None


def test_spend_reaches_a_tier_at_once_with_history_and_timeline(
    papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    paid_order(papadopoulos, "Π-1", "300.00")
    paid_order(papadopoulos, "Π-2", "250.00")

    counts = tiers_evaluate()

    assert counts["upgrades"] == 1
    account = _account(papadopoulos)
    assert account.tier == tiers["silver"]
    assert account.tier_since is not None
    change = TierChange.objects.get(account=account)
    assert (change.from_tier, change.to_tier, change.direction) == (None, tiers["silver"], "up")
    assert (change.from_name, change.to_name) == ("", "Ασημένιο")
    event = Interaction.objects.get(customer=papadopoulos, source_type="loyalty.tierchange")
    assert event.source_id == str(change.pk)
    assert "Ασημένιο" in event.summary


def test_a_second_run_changes_nothing(papadopoulos: Customer, tiers: dict[str, Tier]) -> None:
    paid_order(papadopoulos, "Π-1", "2500.00")
    tiers_evaluate()

    assert tiers_evaluate() == {"upgrades": 0, "downgrades": 0, "grace_started": 0, "grace_ended": 0}
    assert TierChange.objects.count() == 1
    assert _account(papadopoulos).tier == tiers["gold"]


def test_falling_below_starts_the_grace_and_the_downgrade_waits_for_its_end(
    papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"tier_grace_days": 60})
    paid_order(papadopoulos, "Π-1", "2500.00")
    tiers_evaluate()
    later = months_after(timezone.now(), 13)  # the order has left the 12-month window

    first = tiers_evaluate(now=later)

    assert first["grace_started"] == 1
    assert first["downgrades"] == 0
    account = _account(papadopoulos)
    assert account.tier == tiers["gold"]
    assert account.grace_until == later + dt.timedelta(days=60)
    status = tier_status(papadopoulos.pk, now=later)
    assert status is not None
    assert status.grace_until == account.grace_until

    assert tiers_evaluate(now=later + dt.timedelta(days=59))["downgrades"] == 0
    done = tiers_evaluate(now=later + dt.timedelta(days=60))

    assert done["downgrades"] == 1
    account = _account(papadopoulos)
    assert (account.tier, account.grace_until) == (tiers["bronze"], None)
    change = TierChange.objects.filter(account=account).first()
    assert change is not None
    assert (change.direction, change.from_name, change.to_name) == ("down", "Χρυσό", "Χάλκινο")


def test_climbing_back_during_the_grace_ends_it(papadopoulos: Customer, tiers: dict[str, Tier]) -> None:
    paid_order(papadopoulos, "Π-1", "2500.00")
    tiers_evaluate()
    later = months_after(timezone.now(), 13)
    tiers_evaluate(now=later)
    paid_order(papadopoulos, "Π-2", "2100.00", placed_at=later - dt.timedelta(days=1))

    counts = tiers_evaluate(now=later + dt.timedelta(days=1))

    assert counts["grace_ended"] == 1
    account = _account(papadopoulos)
    assert (account.tier, account.grace_until) == (tiers["gold"], None)


def test_no_grace_days_moves_down_at_once(papadopoulos: Customer, tiers: dict[str, Tier]) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"tier_grace_days": 0})
    paid_order(papadopoulos, "Π-1", "600.00")
    tiers_evaluate()

    counts = tiers_evaluate(now=months_after(timezone.now(), 13))

    assert counts["downgrades"] == 1
    assert _account(papadopoulos).tier == tiers["bronze"]


def test_points_basis_counts_points_earned_in_12_months(
    papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"tier_basis": "points", "points_per_euro": 2})
    paid_order(papadopoulos, "Π-1", "200.00")  # 400 points
    points_bonus(customer_id=papadopoulos.pk, kind="birthday", key="b:1", points=150)

    tiers_evaluate()

    assert _account(papadopoulos).tier == tiers["silver"]
    status = tier_status(papadopoulos.pk, language="en")
    assert status is not None
    assert (status.basis, status.measure, status.needed) == ("points", Decimal("550"), Decimal("1450"))
    assert status.needed_text == "1,450 more points"


def test_only_the_given_customers_are_evaluated(
    papadopoulos: Customer, make_customer: Any, tiers: dict[str, Tier]
) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου")
    paid_order(papadopoulos, "Π-1", "700.00")
    paid_order(other, "Π-2", "700.00")

    tiers_evaluate(customer_ids=[other.pk])

    assert _account(papadopoulos).tier is None
    assert _account(other).tier == tiers["silver"]


def test_the_status_shows_benefits_and_what_the_next_tier_needs(
    papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    paid_order(papadopoulos, "Π-1", "2300.00")
    tiers_evaluate()

    greek = tier_status(papadopoulos.pk, language="el")
    english = tier_status(papadopoulos.pk, language="en")

    assert greek is not None
    assert english is not None
    assert (greek.tier, english.tier) == ("Χρυσό", "Gold")
    assert greek.next_tier is None
    assert greek.needed is None
    assert english.benefits == [
        "10% discount",
        "Free delivery",
        "Early access to sales",
        "Δωρεάν αναβάθμιση δωματίου",
        "Late check-out",
    ]
    with translation.override("el"):
        assert greek.benefits[0] == translation.gettext("%(percent)s%% discount") % {"percent": "10"}


def test_the_next_tier_and_the_spend_it_needs(papadopoulos: Customer, tiers: dict[str, Tier]) -> None:
    paid_order(papadopoulos, "Π-1", "620.50")
    tiers_evaluate()

    status = tier_status(papadopoulos.pk, language="en")

    assert status is not None
    assert (status.tier, status.next_tier, status.needed) == ("Silver", "Gold", Decimal("1379.50"))
    assert status.benefits == ["5% discount"]
    assert "1,379.50" in status.needed_text
    assert "€" in status.needed_text


def test_a_customer_without_an_account_sees_the_first_tier_ahead(
    papadopoulos: Customer, tiers: dict[str, Tier]
) -> None:
    status = tier_status(papadopoulos.pk, language="en")

    assert status is not None
    assert (status.tier, status.next_tier, status.needed) == (None, "Bronze", Decimal("0"))


def test_evaluation_queries_do_not_grow_with_accounts(
    make_customer: Any, tiers: dict[str, Tier], django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        paid_order(make_customer(first_name="Πελάτης", last_name=f"Αρ {n}"), f"Π-{n}", "50.00")
    tiers_evaluate()  # everyone to bronze
    TierChange.objects.all().delete()

    with django_assert_max_num_queries(4):
        counts = tiers_evaluate()

    assert counts["upgrades"] == 0


def test_a_merge_carries_the_tier_history_and_reviews_the_survivors_tier(
    papadopoulos: Customer, make_customer: Any, tiers: dict[str, Tier]
) -> None:
    from pelatis.customers.services import customer_merge

    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    paid_order(papadopoulos, "Π-1", "300.00")
    paid_order(twin, "Π-2", "300.00")
    tiers_evaluate()
    assert _account(papadopoulos).tier == tiers["bronze"]

    customer_merge(survivor=papadopoulos, merged=twin, by=None)

    account = _account(papadopoulos)
    assert account.tier == tiers["silver"]  # €600 together
    assert TierChange.objects.filter(account=account).count() == 3  # both reached bronze, then silver
