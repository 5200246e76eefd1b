"""Template helpers of the feedback pages."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

from pelatis.feedback.sentiment import sentiment_shown as _shown

register = template.Library()


@register.filter
def sentiment_shown(language: str | None) -> bool:
    """{% if review.language|sentiment_shown %}: only where the scorer beats guessing."""
    return _shown(language)


@register.filter
def sentiment_text(label: str) -> str:
    return {
        "positive": pgettext("sentiment", "Positive"),
        "neutral": pgettext("sentiment", "Neutral"),
        "negative": pgettext("sentiment", "Negative"),
    }.get(label, "")


@register.filter
def sentiment_css(label: str) -> str:
    return {"positive": "badge-green", "neutral": "badge-grey", "negative": "badge-red"}.get(
        label, "badge-grey"
    )


@register.filter
def stars(rating: int | None) -> str:
    if rating is None:
        return ""
    return "★" * rating + "☆" * (5 - rating)
