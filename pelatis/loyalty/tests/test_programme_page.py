"""The programme page: managers edit the rules (category multipliers as rows), tiers and rewards; bad input
names its field and saves nothing; agents and readers cannot; ids that do not exist are 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from ..models import LoyaltyProgramme, Reward, Tier

pytestmark = pytest.mark.django_db


def _rules(**changes: str) -> dict[str, str]:
    data = {
        "points_per_euro": "1.5",
        "expiry_months": "12",
        "first_purchase_bonus": "50",
        "birthday_bonus": "20",
        "name_day_bonus": "20",
        "survey_bonus": "5",
        "compliment_bonus": "10",
        "tier_basis": "spend",
        "tier_grace_days": "30",
        "expiry_warning_days": "14",
        "active": "on",
        "mult-TOTAL_FORMS": "3",
        "mult-INITIAL_FORMS": "0",
        "mult-MIN_NUM_FORMS": "0",
        "mult-MAX_NUM_FORMS": "200",
        "mult-0-category": "Σπα",
        "mult-0-multiplier": "2",
        "mult-1-category": "Εστιατόριο",
        "mult-1-multiplier": "0.5",
        "mult-2-category": "",
        "mult-2-multiplier": "",
    }
    data.update(changes)
    return data


def test_a_manager_saves_the_rules_and_multipliers_together(client_as: Any, manager: Any) -> None:
    client = client_as(manager)
    page = client.get(reverse("loyalty:programme"))
    assert page.status_code == 200
    assert "data-programme-form" in page.content.decode()
    response = client.post(reverse("loyalty:programme"), _rules())
    assert response.status_code == 302
    programme = LoyaltyProgramme.current()
    assert programme.points_per_euro == Decimal("1.5")
    assert (programme.expiry_months, programme.birthday_bonus, programme.tier_grace_days) == (12, 20, 30)
    assert programme.category_multipliers == {"Σπα": "2", "Εστιατόριο": "0.5"}
    assert programme.multiplier("Εστιατόριο") == Decimal("0.5")
    # the rows come back filled, with empty ones to add more
    html = client.get(reverse("loyalty:programme")).content.decode()
    assert 'value="Εστιατόριο"' in html
    # clearing a row's category removes it
    client.post(reverse("loyalty:programme"), _rules(**{"mult-1-category": "", "mult-1-multiplier": ""}))
    assert LoyaltyProgramme.current().category_multipliers == {"Σπα": "2"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expiry_months": "0"}, 'data-error-for="expiry_months"'),
        ({"points_per_euro": "-1"}, 'data-error-for="points_per_euro"'),
        ({"tier_basis": "visits"}, 'data-error-for="tier_basis"'),
        ({"mult-1-multiplier": "101"}, 'data-error-for="mult-1-multiplier"'),
        ({"mult-1-multiplier": ""}, 'data-error-for="mult-1-multiplier"'),
        ({"mult-1-category": "σπα"}, 'data-error-for="mult-1-category"'),
        ({"mult-2-multiplier": "3"}, 'data-error-for="mult-2-category"'),
    ],
)
def test_bad_rules_name_the_field_and_save_nothing(
    client_as: Any, manager: Any, changes: dict[str, str], field: str
) -> None:
    before = LoyaltyProgramme.current()
    response = client_as(manager).post(reverse("loyalty:programme"), _rules(**changes))
    assert response.status_code == 422
    assert field in response.content.decode()
    after = LoyaltyProgramme.current()
    assert (after.points_per_euro, after.expiry_months, after.category_multipliers) == (
        before.points_per_euro,
        before.expiry_months,
        before.category_multipliers,
    )


@pytest.mark.parametrize("role", ["agent", "reader", "outsider"])
def test_only_managers_see_or_change_the_programme(client_as: Any, role: str, request: Any) -> None:
    client = client_as(request.getfixturevalue(role))
    assert client.get(reverse("loyalty:programme")).status_code == 403
    assert client.post(reverse("loyalty:programme"), _rules()).status_code == 403
    assert client.post(reverse("loyalty:tier_new"), {"name": "Χρυσό", "threshold": "500"}).status_code == 403
    assert (
        client.post(reverse("loyalty:reward_new"), {"name": "Καφές", "points_cost": "10"}).status_code == 403
    )
    assert LoyaltyProgramme.current().category_multipliers == {}
    assert not Tier.objects.exists()
    assert not Reward.objects.exists()


def test_a_manager_adds_edits_and_removes_tiers(client_as: Any, manager: Any) -> None:
    client = client_as(manager)
    tier = {
        "name": "Χρυσό",
        "name_en": "Gold",
        "threshold": "500",
        "discount_percent": "10",
        "free_delivery": "on",
    }
    assert client.post(reverse("loyalty:tier_new"), tier).status_code == 302
    gold = Tier.objects.get()
    assert (gold.name, gold.threshold, gold.discount_percent, gold.free_delivery) == (
        "Χρυσό",
        Decimal("500"),
        Decimal("10"),
        True,
    )
    # a second tier at the same threshold is refused, naming the threshold
    twin = client.post(reverse("loyalty:tier_new"), {**tier, "name": "Δίδυμο"})
    assert twin.status_code == 422
    assert 'data-error-for="threshold"' in twin.content.decode()
    bad = client.post(reverse("loyalty:tier_new"), {**tier, "threshold": "100", "discount_percent": "150"})
    assert bad.status_code == 422
    assert 'data-error-for="discount_percent"' in bad.content.decode()
    assert Tier.objects.count() == 1
    edited = client.post(reverse("loyalty:tier_edit", args=[gold.pk]), {**tier, "perks": "Late check-out"})
    assert edited.status_code == 302
    page = client.get(reverse("loyalty:programme")).content.decode()
    assert "Late check-out" in page
    assert client.post(reverse("loyalty:tier_delete", args=[gold.pk])).status_code == 302
    assert not Tier.objects.exists()


def test_a_manager_adds_edits_and_deactivates_rewards(client_as: Any, manager: Any) -> None:
    client = client_as(manager)
    reward = {"name": "Πρωινό για δύο", "description": "", "points_cost": "80", "stock": "", "active": "on"}
    assert client.post(reverse("loyalty:reward_new"), reward).status_code == 302
    breakfast = Reward.objects.get()
    assert (breakfast.points_cost, breakfast.stock, breakfast.active) == (80, None, True)
    zero = client.post(reverse("loyalty:reward_new"), {**reward, "points_cost": "0"})
    assert zero.status_code == 422
    assert 'data-error-for="points_cost"' in zero.content.decode()
    client.post(reverse("loyalty:reward_edit", args=[breakfast.pk]), {**reward, "stock": "5"})
    client.post(reverse("loyalty:reward_active", args=[breakfast.pk]), {"active": "0"})
    breakfast.refresh_from_db()
    assert (breakfast.stock, breakfast.active) == (5, False)
    assert Reward.objects.count() == 1


def test_tampered_ids_get_404(client_as: Any, manager: Any) -> None:
    client = client_as(manager)
    assert client.get(reverse("loyalty:tier_edit", args=[999])).status_code == 404
    assert client.post(reverse("loyalty:tier_delete", args=[999])).status_code == 404
    assert client.get(reverse("loyalty:reward_edit", args=[999])).status_code == 404
    assert client.post(reverse("loyalty:reward_active", args=[999]), {"active": "0"}).status_code == 404
