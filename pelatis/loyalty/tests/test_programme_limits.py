"""The programme's values have sensible limits, said with the field they concern by the service (so every
caller agrees) and on the page together with every other wrong value; the page takes and shows numbers in
the reader's format (a decimal comma in Greek)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ..models import LoyaltyProgramme, Reward
from ..services.programme import PROGRAMME_FIELDS, programme_update, reward_save
from .test_programme_page import _rules

pytestmark = pytest.mark.django_db

BONUSES = ["first_purchase_bonus", "birthday_bonus", "name_day_bonus", "survey_bonus", "compliment_bonus"]


def _values(**changes: Any) -> dict[str, Any]:
    programme = LoyaltyProgramme.current()
    return {**{name: getattr(programme, name) for name in PROGRAMME_FIELDS}, **changes}


@pytest.mark.parametrize(
    ("field", "highest", "too_much", "said"),
    [
        ("points_per_euro", Decimal("1000"), Decimal("1000.01"), "1,000"),
        ("expiry_months", 120, 121, "120"),
        ("tier_grace_days", 730, 731, "730"),
        ("expiry_warning_days", 365, 366, "365"),
        *[(name, 100_000, 100_001, "100,000") for name in BONUSES],
    ],
)
def test_each_programme_limit_is_refused_above_and_taken_at_its_edge(
    field: str, highest: Any, too_much: Any, said: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        programme_update(values=_values(**{field: too_much}), multipliers={})
    assert list(refused.value.message_dict) == [field]
    assert said in refused.value.message_dict[field][0]
    assert getattr(LoyaltyProgramme.current(), field) != too_much  # nothing written

    programme_update(values=_values(**{field: highest}), multipliers={})
    assert getattr(LoyaltyProgramme.current(), field) == highest


def test_a_reward_costs_at_most_what_one_redemption_can_take() -> None:
    values = {"name": "Σουίτα", "description": "", "stock": None, "active": True}
    with pytest.raises(ValidationError) as refused:
        reward_save(reward_id=None, values={**values, "points_cost": 10_000_001})
    assert list(refused.value.message_dict) == ["points_cost"]
    assert not Reward.objects.exists()
    assert reward_save(reward_id=None, values={**values, "points_cost": 10_000_000}).points_cost == 10_000_000


def test_the_service_names_every_wrong_value_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        programme_update(
            values=_values(expiry_months=0, birthday_bonus=99_999_999_999, tier_basis="visits"),
            multipliers={},
        )
    assert set(refused.value.message_dict) == {"expiry_months", "birthday_bonus", "tier_basis"}


def _greek(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def test_the_page_names_every_wrong_value_together(client_as: Any, manager: Any) -> None:
    before = LoyaltyProgramme.current()
    response = _greek(client_as(manager)).post(
        reverse("loyalty:programme"),
        _rules(
            expiry_months="0",
            points_per_euro="abc",
            birthday_bonus="99999999999",
            expiry_warning_days="100000",
            **{"mult-1-multiplier": "101"},
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    for field in (
        "expiry_months",
        "points_per_euro",
        "birthday_bonus",
        "expiry_warning_days",
        "mult-1-multiplier",
    ):
        assert f'data-error-for="{field}"' in html, field
    assert "100.000" in html  # the bonus limit, as Greek writes it
    assert "9223372036854775807" not in html
    after = LoyaltyProgramme.current()
    assert (after.expiry_months, after.birthday_bonus) == (before.expiry_months, before.birthday_bonus)


def test_a_greek_page_takes_a_decimal_comma_and_shows_one(client_as: Any, manager: Any) -> None:
    client = _greek(client_as(manager))
    response = client.post(
        reverse("loyalty:programme"), _rules(points_per_euro="1,5", **{"mult-1-multiplier": "0,5"})
    )
    assert response.status_code == 302
    programme = LoyaltyProgramme.current()
    assert programme.points_per_euro == Decimal("1.5")
    assert programme.category_multipliers["Εστιατόριο"] == "0.5"
    html = client.get(reverse("loyalty:programme")).content.decode()
    assert 'value="1,50"' in html
    assert 'value="0,5"' in html
    assert 'inputmode="decimal"' in html


def test_an_english_page_keeps_the_decimal_point(client_as: Any, manager: Any) -> None:
    client = client_as(manager)
    with translation.override("en"):
        assert client.post(reverse("loyalty:programme"), _rules(points_per_euro="2.25")).status_code == 302
        assert LoyaltyProgramme.current().points_per_euro == Decimal("2.25")
        assert 'value="2.25"' in client.get(reverse("loyalty:programme")).content.decode()
