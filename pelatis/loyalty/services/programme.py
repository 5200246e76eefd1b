"""Managers' writes to the programme: its rules and category multipliers, its tiers and its rewards.

Each save is one transaction and checks the whole row first (the model's validators and constraints), so a
bad value is refused with a message naming its field and nothing is half written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import LoyaltyProgramme, Reward, Tier
from .ledger import MAX_POINTS

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


BONUS_MAX = Decimal("100000")
# The programme's sensible ranges (low, high): far beyond any real shop's settings, and a typo such as an
# extra zero or two is refused rather than paid out. The forms check the same ranges with the same words.
PROGRAMME_LIMITS: dict[str, tuple[Decimal, Decimal | None]] = {
    "points_per_euro": (Decimal("0"), Decimal("1000")),
    "expiry_months": (Decimal("1"), Decimal("120")),
    "first_purchase_bonus": (Decimal("0"), BONUS_MAX),
    "birthday_bonus": (Decimal("0"), BONUS_MAX),
    "name_day_bonus": (Decimal("0"), BONUS_MAX),
    "survey_bonus": (Decimal("0"), BONUS_MAX),
    "compliment_bonus": (Decimal("0"), BONUS_MAX),
    "tier_grace_days": (Decimal("0"), Decimal("730")),
    "expiry_warning_days": (Decimal("0"), Decimal("365")),
}
TIER_LIMITS: dict[str, tuple[Decimal, Decimal | None]] = {
    "threshold": (Decimal("0"), None),
    "discount_percent": (Decimal("0"), Decimal("100")),
}
REWARD_LIMITS: dict[str, tuple[Decimal, Decimal | None]] = {
    "points_cost": (Decimal("1"), Decimal(MAX_POINTS)),
}


def range_message(low: Decimal, high: Decimal | None) -> str:
    """The words of a range check, numbers in the reader's format («από 0 έως 100.000»)."""

    def number(value: Decimal) -> str:
        return number_format(value, use_l10n=True, force_grouping=True)

    if high is None:
        return _("Give a number of at least %(low)s.") % {"low": number(low)}
    return _("Give a number from %(low)s to %(high)s.") % {"low": number(low), "high": number(high)}


def range_errors(
    values: dict[str, Any], ranges: dict[str, tuple[Decimal, Decimal | None]]
) -> dict[str, list[str]]:
    """``{field: [message]}`` for each number in ``values`` outside its range (other values are left to
    the model's checks)."""
    errors: dict[str, list[str]] = {}
    for name, (low, high) in ranges.items():
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            continue
        if value < low or (high is not None and value > high):
            errors[name] = [range_message(low, high)]
    return errors


def _validate(
    instance: Any,
    ranges: dict[str, tuple[Decimal, Decimal | None]],
    found: dict[str, list[str]] | None = None,
) -> None:
    """Every problem of the row at once (``found`` so far, the ranges, the model's own checks)."""
    errors = dict(found or {})
    for name, messages in range_errors({name: getattr(instance, name) for name in ranges}, ranges).items():
        errors.setdefault(name, messages)
    try:
        instance.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
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
    _validate(programme, PROGRAMME_LIMITS)
    programme.save()
    return programme


@transaction.atomic
def tier_save(*, tier_id: int | None, values: dict[str, Any]) -> Tier:
    """Create a tier (``tier_id`` None) or change one; two tiers never share a threshold."""
    tier = Tier() if tier_id is None else Tier.objects.select_for_update().get(pk=tier_id)
    _assign(tier, TIER_FIELDS, values)
    found = {}
    if Tier.objects.filter(threshold=tier.threshold).exclude(pk=tier.pk).exists():
        found["threshold"] = [_("Another tier already starts at this threshold.")]
    _validate(tier, TIER_LIMITS, found)
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
    _validate(reward, REWARD_LIMITS)
    reward.save()
    return reward


@transaction.atomic
def reward_set_active(*, reward_id: int, active: bool) -> Reward:
    """Offer a reward again, or stop offering it (its past redemptions stay in the ledger)."""
    reward = Reward.objects.select_for_update().get(pk=reward_id)
    reward.active = active
    reward.save(update_fields=["active"])
    return reward
