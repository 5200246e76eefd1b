"""Loyalty's template filters: points in the reader's number format, a ledger entry's kind in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """1234 → "1.234" in Greek, "1,234" in English."""
    if value is None or value == "":
        return ""
    return number_format(int(value), use_l10n=True, force_grouping=True)


@register.filter
def points_signed(value: Any) -> str:
    """A movement with its sign: "+120", "−40" (a real minus sign)."""
    if value is None or value == "":
        return ""
    number = int(value)
    text = number_format(abs(number), use_l10n=True, force_grouping=True)
    return f"+{text}" if number > 0 else f"\u2212{text}" if number < 0 else text


@register.filter
def entry_kind(entry: Any) -> str:
    """The kind in words; a bonus says what it was for ("Bonus · Birthday")."""
    label = str(entry.get_kind_display())
    if entry.bonus_kind:
        return f"{label} · {entry.get_bonus_kind_display()}"
    return label
