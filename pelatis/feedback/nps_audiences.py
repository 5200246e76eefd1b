"""The audiences other apps offer NPS campaigns (the ``NPS_AUDIENCES`` extension point: each a
``customers.views.ListFilter`` with ``param``, ``label``, ``choices()`` and ``condition(value) -> Q`` on
Customer; engagement offers its saved segments). A campaign stores its audience as ``"<param>:<value>"``;
one whose offer or value is gone matches nobody, so a survey never reaches more people than meant."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pelatis.core.hooks import contributions

NOBODY = Q(pk__in=[])


def _offers() -> list[Any]:
    return [offer for offer in contributions("NPS_AUDIENCES") if offer.param]


def audience_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The audiences on offer as grouped form choices: ``[(offer label, [("param:value", label), …]), …]``."""
    groups = []
    for offer in _offers():
        choices = [(f"{offer.param}:{value}", str(label)) for value, label in offer.choices()]
        if choices:
            groups.append((str(offer.label), choices))
    return groups


def audience_labels() -> dict[str, str]:
    """Each audience on offer (``"param:value"``) and its label, e.g. the segment's name."""
    return {value: label for _group, choices in audience_groups() for value, label in choices}


def audience_offered() -> bool:
    """Whether any installed app offers audiences at all (the choice is hidden otherwise)."""
    return bool(_offers())


def audience_condition(audience: str) -> Q:
    """The customers of ``audience`` (``"param:value"``) as they are now; nobody when it is not on offer."""
    param, _sep, value = (audience or "").partition(":")
    if not param or not value:
        return NOBODY
    for offer in _offers():
        if offer.param == param:
            condition: Q = offer.condition(value)
            return condition
    return NOBODY
