"""What segments can ask about a customer's loyalty: the points balance and the tier (``SEGMENT_FIELDS``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pelatis.core.segmentfields import SegmentField, aggregate, related

from .models import LoyaltyAccount, Tier

LOYALTY = gettext_lazy("Loyalty")


def _tiers() -> list[tuple[str, str]]:
    language = get_language() or "el"
    return [(str(tier.pk), tier.label(language)) for tier in Tier.objects.all()]


def _tier_id(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise ValidationError(_("Choose one of the tiers."))
    return int(text)


SEGMENT_FIELDS: dict[str, SegmentField] = {
    "loyalty.points": SegmentField(
        label=gettext_lazy("Points balance"),
        kind="number",
        group=LOYALTY,
        # Customers without an account have 0 points.
        build=aggregate(LoyaltyAccount.objects.all, Max("balance"), zero=0),
    ),
    "loyalty.tier": SegmentField(
        label=gettext_lazy("Loyalty tier"),
        kind="choice",
        group=LOYALTY,
        build=related(LoyaltyAccount.objects.all, "tier_id"),
        choices=_tiers,
        clean=_tier_id,
    ),
}
