"""Reading campaigns for the pages: the permission-checked fetch and the list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Campaign, Journey

VIEW_PERMISSION = "engagement.view_campaign"
ADD_PERMISSION = "engagement.add_campaign"
CHANGE_PERMISSION = "engagement.change_campaign"
JOURNEY_VIEW_PERMISSION = "engagement.view_journey"


def can_manage_campaigns(user: Any) -> bool:
    """Managers write, launch and cancel campaigns; agents only look."""
    return bool(user.has_perm(ADD_PERMISSION) and user.has_perm(CHANGE_PERMISSION))


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, newest first, with what the list shows of its segment and template."""
    return Campaign.objects.select_related("segment", "template").order_by("-created_at", "-id")


def campaign_for(user: Any, pk: int, *, write: bool = False) -> Campaign:
    """The campaign for this user: 404 when it does not exist, 403 without the permission."""
    if not user.has_perm(VIEW_PERMISSION) or (write and not can_manage_campaigns(user)):
        raise PermissionDenied
    return get_object_or_404(campaign_list(), pk=pk)


def journey_for_results(user: Any, pk: int) -> Journey:
    """The journey whose results the user may read (staff who see campaigns and journeys)."""
    if not (user.has_perm(JOURNEY_VIEW_PERMISSION) and user.has_perm("engagement.view_send")):
        raise PermissionDenied
    return get_object_or_404(Journey, pk=pk)
