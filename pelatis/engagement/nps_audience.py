"""A saved segment as the audience of an NPS campaign: what engagement offers feedback through the
``NPS_AUDIENCES`` extension point (a ``customers.views.ListFilter``: ``param`` "segment", the segments as
choices, and ``condition(segment id) -> Q`` on Customer). A segment that is gone or no longer valid
matches nobody, so a survey never goes to more people than its segment meant."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pelatis.customers.views import ListFilter

from .models import Segment
from .segments import definition_q

NOBODY = Q(pk__in=[])


def segment_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Segment.objects.order_by("name").values_list("pk", "name")]


def segment_condition(value: str) -> Q:
    """The customers of segment ``value`` (its id) as they are now."""
    if not str(value).isdigit():
        return NOBODY
    definition = Segment.objects.filter(pk=int(value)).values_list("definition", flat=True).first()
    if definition is None:
        return NOBODY
    try:
        return definition_q(definition)
    except ValidationError:
        return NOBODY


SEGMENT_AUDIENCE = ListFilter(
    param="segment", label=_("Customers in a segment"), choices=segment_choices, condition=segment_condition
)
