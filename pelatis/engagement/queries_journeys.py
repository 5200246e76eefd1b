"""Reading journeys for the pages: the permission-checked fetch, the list with its counts, a journey's
steps with theirs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Enrollment, Journey, JourneyStep, Send

VIEW_PERMISSION = "engagement.view_journey"
CHANGE_PERMISSION = "engagement.change_journey"
ADD_PERMISSION = "engagement.add_journey"


def can_manage_journeys(user: Any) -> bool:
    """Managers create, edit, switch on and off and run journeys; agents only look."""
    return bool(user.has_perm(ADD_PERMISSION) and user.has_perm(CHANGE_PERMISSION))


def _count(queryset: QuerySet[Any], outer: str = "pk") -> Coalesce:
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def journey_list() -> QuerySet[Journey]:
    """Every journey with its enrolled, in-progress and sent counts (one query)."""
    return (
        Journey.objects.select_related("audience")
        .annotate(
            enrolled=_count(Enrollment.objects.all(), "journey"),
            in_progress=_count(Enrollment.objects.filter(status=Enrollment.Status.ACTIVE), "journey"),
            sent=_count(Send.objects.filter(status=Send.Status.SENT), "step__journey"),
            steps_count=_count(JourneyStep.objects.all(), "journey"),
        )
        .order_by("-active", "name")
    )


def journey_for(user: Any, pk: int, *, write: bool = False) -> Journey:
    """The journey for this user: 404 when it does not exist, 403 without the permission."""
    if not user.has_perm(VIEW_PERMISSION) or (write and not can_manage_journeys(user)):
        raise PermissionDenied
    return get_object_or_404(journey_list(), pk=pk)


def steps_with_counts(journey: Journey) -> list[JourneyStep]:
    """The journey's steps, each with how many messages went, were not sent or were held out."""
    sends = Q(sends__isnull=False)
    return list(
        journey.steps.select_related("template")
        .annotate(
            sent=Count("sends", filter=sends & Q(sends__status=Send.Status.SENT)),
            skipped=Count(
                "sends", filter=sends & Q(sends__status__in=[Send.Status.SKIPPED, Send.Status.FAILED])
            ),
            held_out=Count("sends", filter=sends & Q(sends__status=Send.Status.HELD_OUT)),
        )
        .order_by("position")
    )


def enrolment_counts(journey: Journey) -> dict[str, int]:
    """Enrolments by status."""
    rows = Enrollment.objects.filter(journey=journey).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
