"""Writes of segments: create, change, delete; each one transaction, the filter checked first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from pelatis.engagement.models import Segment
from pelatis.feedback.models import NpsCampaign

from ..nps_audience import SEGMENT_AUDIENCE
from .definition import definition_validate

NAME_MAX = 120
DESCRIPTION_MAX = 2000


def _clean(*, name: str, description: str, definition: Any, exclude_pk: int | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    clean_name = " ".join((name or "").split())
    if not clean_name:
        errors["name"] = [_("Give the segment a name.")]
    elif len(clean_name) > NAME_MAX:
        errors["name"] = [_("At most %(n)d characters.") % {"n": NAME_MAX}]
    elif (
        Segment.objects.filter(name__iexact=clean_name)
        .exclude(pk__in=[exclude_pk] if exclude_pk is not None else [])
        .exists()
    ):
        errors["name"] = [_("Another segment is already called “%(name)s”.") % {"name": clean_name}]
    clean_description = (description or "").strip()
    if len(clean_description) > DESCRIPTION_MAX:
        errors["description"] = [_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}]
    try:
        definition_validate(definition)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean_name, clean_description


@transaction.atomic
def segment_create(*, name: str, definition: Any, description: str = "", by: User | None = None) -> Segment:
    """A new segment; ValidationError naming the name, the description or each bad rule (``rules.0.value``)."""
    clean_name, clean_description = _clean(
        name=name, description=description, definition=definition, exclude_pk=None
    )
    return Segment.objects.create(
        name=clean_name, description=clean_description, definition=definition, created_by=by
    )


@transaction.atomic
def segment_update(
    *, segment: Segment, name: str, definition: Any, description: str = "", by: User | None = None
) -> Segment:
    """Change a segment's name, description and filter (campaigns and journeys using it follow at once)."""
    locked = Segment.objects.select_for_update().get(pk=segment.pk)
    locked.name, locked.description = _clean(
        name=name, description=description, definition=definition, exclude_pk=segment.pk
    )
    locked.definition = definition
    locked.save(update_fields=["name", "description", "definition", "updated_at"])
    return locked


@transaction.atomic
def segment_delete(*, segment: Segment, by: User | None = None) -> None:
    """Delete a segment no campaign, journey or NPS survey uses; ValidationError naming them otherwise.

    An NPS campaign names its segment by value (feedback holds no key to engagement), so it is looked up
    here, with the campaigns and journeys the database protects."""
    surveys = NpsCampaign.objects.filter(
        segment=NpsCampaign.Segment.AUDIENCE, audience=f"{SEGMENT_AUDIENCE.param}:{segment.pk}"
    ).values_list("name", flat=True)
    try:
        if surveys.exists():
            raise ProtectedError("used by NPS campaigns", set())
        Segment.objects.filter(pk=segment.pk).delete()
    except ProtectedError as exc:
        users = sorted({str(obj) for obj in exc.protected_objects} | set(surveys))[:5]
        raise ValidationError(
            {"segment": [_("Used by %(users)s: change their audience first.") % {"users": ", ".join(users)}]}
        ) from None
