"""What segments can ask about a customer's value: the RFM segment, the predicted value of the next
12 months and the probability they are still active (after ``pelatis clv fit``) (``SEGMENT_FIELDS``).
Customers not scored yet match none of these (and "is not" matches them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pelatis.core.segmentfields import SegmentField, related

from .models import CustomerValue, Segment

VALUE = _("Customer value")
_clv = related(CustomerValue.objects.all, "clv")
_p_alive = related(CustomerValue.objects.all, "p_alive")


def _percent(op: str, value: Any, within: int | None) -> Q:
    """P(alive) is stored as 0–1 and asked for in per cent."""
    scaled = [v / 100 for v in value] if isinstance(value, list) else value / Decimal(100)
    return _p_alive(op, scaled, within)


def _segments() -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in Segment.choices]


SEGMENT_FIELDS: dict[str, SegmentField] = {
    "value.rfm_segment": SegmentField(
        label=_("RFM segment"),
        kind="choice",
        group=VALUE,
        build=related(CustomerValue.objects.all, "segment"),
        choices=_segments,
        strict_choices=True,
    ),
    "value.predicted": SegmentField(
        label=_("Predicted value, next 12 months"),
        kind="money",
        group=VALUE,
        build=_clv,
    ),
    "value.p_alive": SegmentField(
        label=_("Probability still active (%)"),
        kind="number",
        group=VALUE,
        build=_percent,
        operators=("gt", "gte", "lt", "lte", "between"),
    ),
}
