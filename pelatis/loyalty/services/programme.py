"""Managers' writes to the programme: its rules and category multipliers, its tiers and its rewards.

Each save is one transaction and checks the whole row first (the model's validators and constraints), so a
bad value is refused with a message naming its field and nothing is half written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import LoyaltyProgramme, Reward, Tier

PROGRAMME_FIELDS = (
    "points_per_euro",
    "expiry_months",
    "first_purchase_bonus",
    "birthday_bonus",
    "name_day_bonus",
    "survey_bonus",
    "compliment_bonus",
    "tier_basis",
    "tier_grace_days",
    "expiry_warning_days",
    "active",
)
TIER_FIELDS = (
    "name",
    "name_en",
    "threshold",
    "discount_percent",
    "free_delivery",
    "early_access",
    "exclusive_offers",
    "perks",
)
REWARD_FIELDS = ("name", "description", "points_cost", "stock", "active")


def _at_least(
    errors: dict[str, list[str]], instance: Any, name: str, low: Decimal, high: Decimal | None = None
) -> None:
    """The database's range checks, said first in words naming the field."""
    value = getattr(instance, name)
    if value is None or isinstance(value, bool):
        return
    if value < low or (high is not None and value > high):
        message = (
            _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            if high is not None
            else _("Give a number of at least %(low)s.") % {"low": low}
        )
        errors.setdefault(name, []).append(message)


def _ranges_check(instance: Any, ranges: dict[str, tuple[Decimal, Decimal | None]]) -> None:
    errors: dict[str, list[str]] = {}
    for name, (low, high) in ranges.items():
        _at_least(errors, instance, name, low, high)
    if errors:
        raise ValidationError(errors)


def _assign(instance: Any, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)


@transaction.atomic
def programme_update(*, values: dict[str, Any], multipliers: dict[str, Decimal]) -> LoyaltyProgramme:
    """Set the programme's rules and its category multipliers (``{category: multiplier}``) together."""
    LoyaltyProgramme.current()
    programme = LoyaltyProgramme.objects.select_for_update().get(pk=1)
    _assign(programme, PROGRAMME_FIELDS, values)
    # JSON keeps numbers as strings, so 1.5 stays exactly 1.5.
    programme.category_multipliers = {
        category.strip(): str(multiplier.normalize()) for category, multiplier in multipliers.items()
    }
    _ranges_check(programme, {"points_per_euro": (Decimal("0"), None), "expiry_months": (Decimal("1"), None)})
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def tier_save(*, tier_id: int | None, values: dict[str, Any]) -> Tier:
    """Create a tier (``tier_id`` None) or change one; two tiers never share a threshold."""
    tier = Tier() if tier_id is None else Tier.objects.select_for_update().get(pk=tier_id)
    _assign(tier, TIER_FIELDS, values)
    if Tier.objects.filter(threshold=tier.threshold).exclude(pk=tier.pk).exists():
        raise ValidationError({"threshold": [_("Another tier already starts at this threshold.")]})
    _ranges_check(
        tier, {"threshold": (Decimal("0"), None), "discount_percent": (Decimal("0"), Decimal("100"))}
    )
    tier.full_clean()
    tier.save()
    return tier


@transaction.atomic
def tier_delete(*, tier_id: int) -> str:
    """Remove a tier; its customers have no tier until the next evaluation places them. Returns its name."""
    tier = Tier.objects.select_for_update().get(pk=tier_id)
    name = tier.name
    tier.delete()
    return name


@transaction.atomic
def reward_save(*, reward_id: int | None, values: dict[str, Any]) -> Reward:
    """Create a reward (``reward_id`` None) or change one."""
    reward = Reward() if reward_id is None else Reward.objects.select_for_update().get(pk=reward_id)
    _assign(reward, REWARD_FIELDS, values)
    _ranges_check(reward, {"points_cost": (Decimal("1"), None)})
    reward.full_clean()
    reward.save()
    return reward


@transaction.atomic
def reward_set_active(*, reward_id: int, active: bool) -> Reward:
    """Offer a reward again, or stop offering it (its past redemptions stay in the ledger)."""
    reward = Reward.objects.select_for_update().get(pk=reward_id)
    reward.active = active
    reward.save(update_fields=["active"])
    return reward
