"""Template tags of the dashboard and the customer value panel: metric names and definitions."""

from __future__ import annotations

from django import template

from pelatis.analytics.definitions import METRICS

register = template.Library()


@register.simple_tag
def metric_label(key: str) -> str:
    """``{% metric_label "p_alive" %}`` → «Πιθανότητα να παραμένει ενεργός»."""
    return str(METRICS[key][0])


@register.simple_tag
def metric_definition(key: str) -> str:
    """``{% metric_definition "p_alive" %}``: the metric's one-line definition, for a title or hidden text."""
    return str(METRICS[key][1])
