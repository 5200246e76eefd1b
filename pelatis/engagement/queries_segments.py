"""Reads of segments: who may see and change them, the list with live counts, the customers of one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as StaffUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from pelatis.customers.models import Customer

from .models import Segment
from .segments import segment_counts, segment_customers

VIEW_PERMISSION = "engagement.view_segment"
ADD_PERMISSION = "engagement.add_segment"
CHANGE_PERMISSION = "engagement.change_segment"
DELETE_PERMISSION = "engagement.delete_segment"
CUSTOMERS_PERMISSION = "customers.view_customer"

User = StaffUser | AnonymousUser  # request.user: signed in, or not


def can_view(user: User) -> bool:
    return bool(user.has_perm(VIEW_PERMISSION))


def can_edit(user: User) -> bool:
    return bool(user.has_perm(CHANGE_PERMISSION))


def can_add(user: User) -> bool:
    return bool(user.has_perm(ADD_PERMISSION))


def segment_for(user: User, pk: int, *, write: bool = False) -> Segment:
    """The segment for this user to read (or, with ``write``, to change); 403 without the permission."""
    if not user.has_perm(CHANGE_PERMISSION if write else VIEW_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Segment, pk=pk)


def segment_list() -> QuerySet[Segment]:
    return Segment.objects.order_by("name", "id")


def counts_of(segments: list[Segment]) -> dict[int, int | None]:
    """The live number of customers of each segment, in one query (None: the filter no longer holds)."""
    return segment_counts({s.pk: s.definition for s in segments})


def customers_of(definition: Any) -> QuerySet[Customer]:
    """The segment's customers in list order, with what a row shows."""
    return (
        segment_customers(definition).prefetch_related("contact_points", "tags").order_by("sort_name", "id")
    )
