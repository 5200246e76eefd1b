"""Reading campaigns for the pages: the permission-checked fetch, the list, and who a campaign reaches
(before the launch, and while it waits for customers' quiet hours to end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.privacy.queries import consent_q

from .models import Campaign, Journey
from .segments import segment_customers
from .services.campaign_run import campaign_pending
from .services.sending import quiet_hours_end

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


@dataclass(frozen=True)
class Reach:
    """Who a campaign reaches if it is launched now. The hold-out group is an estimate (its members are
    drawn by a hash at sending time); everyone else allowed is sent to, those in quiet hours later."""

    in_segment: int
    allowed: int  # in the segment and their consent allows the template's purpose on the channel
    held_out: int  # about this many of the allowed receive nothing (the hold-out group)
    quiet: int  # of those to receive it, in their quiet hours now: sent when these end
    quiet_until: dt.datetime | None  # when the earliest of those quiet hours ends

    @property
    def without_consent(self) -> int:
        return self.in_segment - self.allowed

    @property
    def receive(self) -> int:
        return self.allowed - self.held_out


@dataclass(frozen=True)
class Waiting:
    """Customers of a sending campaign still without a message because it is night where they are."""

    count: int
    until: dt.datetime | None


def _quiet_now(customers: QuerySet[Customer], now: dt.datetime) -> Waiting:
    """How many of ``customers`` are in their quiet hours at ``now``, and when the earliest of those ends:
    one GROUP BY time zone, then a clock check per zone (a handful), never per customer."""
    by_zone = customers.order_by().values("time_zone").annotate(n=Count("pk")).values_list("time_zone", "n")
    count, until = 0, None
    for zone, n in by_zone:
        end = quiet_hours_end(Customer(time_zone=zone), now)
        if end is not None:
            count += n
            until = end if until is None else min(until, end)
    return Waiting(count=count, until=until)


def campaign_reach(campaign: Campaign, *, now: dt.datetime | None = None) -> Reach | None:
    """Who the campaign would reach if launched now (None when its segment's rules no longer hold): the
    segment, less those whose consent does not allow the template's purpose on the channel, less the
    hold-out share; two queries whatever the segment's size."""
    try:
        members = segment_customers(campaign.segment.definition)
    except ValidationError:
        return None
    allowed_q = consent_q(campaign.template.purpose, campaign.channel)
    counts = members.order_by().aggregate(total=Count("pk"), allowed=Count("pk", filter=allowed_q))
    allowed = int(counts["allowed"])
    held_out = round(allowed * campaign.holdout_percent / 100)
    quiet = _quiet_now(members.filter(allowed_q), now or timezone.now()) if allowed else Waiting(0, None)
    # the hold-out group is not waiting for anything: count the quiet ones among the rest, in proportion
    quiet_receiving = round(quiet.count * (100 - campaign.holdout_percent) / 100)
    return Reach(
        in_segment=int(counts["total"]),
        allowed=allowed,
        held_out=held_out,
        quiet=quiet_receiving,
        quiet_until=quiet.until if quiet_receiving else None,
    )


def campaign_waiting(campaign: Campaign, *, now: dt.datetime | None = None) -> Waiting:
    """A sending campaign's customers not yet sent to because they are in their quiet hours now (the
    worker comes back when the earliest ends)."""
    if campaign.status != Campaign.Status.SENDING:
        return Waiting(0, None)
    try:
        pending = campaign_pending(campaign)
    except ValidationError:
        return Waiting(0, None)
    return _quiet_now(pending, now or timezone.now())
