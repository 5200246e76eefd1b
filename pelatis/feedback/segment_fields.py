"""What segments can ask about what a customer told us: the score of their latest NPS answer and its
category (promoter 9–10, passive 7–8, detractor 0–6) (``SEGMENT_FIELDS``). Customers who never answered
match neither (and "is not" matches them)."""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from pelatis.core.segmentfields import SegmentField, absent, related

from .models import NpsResponse

FEEDBACK = _("Feedback")
CATEGORIES = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}


def latest_answers() -> QuerySet[NpsResponse]:
    """Each customer's latest answered NPS question."""
    latest = (
        NpsResponse.objects.filter(customer=OuterRef("customer"), score__isnull=False)
        .order_by()
        .values("customer")
        .annotate(at=Max("answered_at"))
        .values("at")
    )
    return NpsResponse.objects.filter(score__isnull=False, answered_at=Subquery(latest))


def _category(op: str, value: Any, within: int | None) -> Q:
    chosen = value if isinstance(value, list) else [value]
    scores = functools.reduce(
        operator.or_, (Q(score__gte=CATEGORIES[c][0], score__lte=CATEGORIES[c][1]) for c in chosen)
    )
    rows = latest_answers().filter(scores)
    if op in ("ne", "not_in"):
        return absent(rows.filter(customer=OuterRef("pk")))
    return Q(pk__in=rows.values("customer"))


def _categories() -> list[tuple[str, str]]:
    return [
        ("promoter", str(_("Promoter (9–10)"))),
        ("passive", str(_("Passive (7–8)"))),
        ("detractor", str(_("Detractor (0–6)"))),
    ]


SEGMENT_FIELDS: dict[str, SegmentField] = {
    "feedback.nps_score": SegmentField(
        label=_("Latest NPS score"),
        kind="number",
        group=FEEDBACK,
        build=related(latest_answers, "score"),
    ),
    "feedback.nps_category": SegmentField(
        label=_("Latest NPS answer"),
        kind="choice",
        group=FEEDBACK,
        build=_category,
        choices=_categories,
        strict_choices=True,
    ),
}
