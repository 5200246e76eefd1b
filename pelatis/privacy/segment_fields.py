"""What segments can ask about consent: whether the customer's current consent allows a purpose on a
channel (the purpose's default where they never answered), one field per purpose (``SEGMENT_FIELDS``)."""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pelatis.core.segmentfields import SegmentField

from .models import ConsentChannel, Purpose
from .queries import consent_q

CONSENT = _("Consent")


def _allows(purpose: str) -> Any:
    def build(op: str, value: Any, within: int | None) -> Q:
        channels = value if isinstance(value, list) else [value]
        allowed = functools.reduce(operator.or_, (consent_q(purpose, channel) for channel in channels))
        return ~allowed if op in ("ne", "not_in") else allowed

    return build


def _channels() -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in ConsentChannel.choices]


SEGMENT_FIELDS: dict[str, SegmentField] = {
    f"consent.{purpose}": SegmentField(
        label=format_lazy("{}: {}", _("Consent"), label),
        kind="choice",
        group=CONSENT,
        build=_allows(str(purpose)),
        operators=("eq", "ne", "in", "not_in"),
        choices=_channels,
        strict_choices=True,
        help_text=_("The channel on which the customer's current consent allows it."),
    )
    for purpose, label in Purpose.choices
}
