"""Loyalty over REST: a customer's balance, what expires soon, the ledger, the tier with its benefits and
what the next tier needs; redeeming and adjusting.

Mounted by the project API at ``/loyalty`` (bearer tokens, the shared error shape). A redemption or an
adjustment the balance cannot cover answers 409 naming the balance, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import IdPath, In, PageParams, Str, errors
from pelatis.core.http import request_user
from pelatis.customers.models import Customer

from . import queries
from .models import LedgerEntry
from .services.ledger import MAX_POINTS, InsufficientPoints, points_adjust, points_redeem

router = Router(tags=["loyalty"])


class EntryOut(Schema):
    id: int
    kind: str = Field(..., description="earn, redeem, expire, adjust, reverse, bonus or credit")
    points: int = Field(..., description="signed: what the entry added to the balance")
    order_id: int | None
    order_reference: str
    reason: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = Field(None, description="when an earn entry's points expire")
    bonus_kind: str = Field(
        "", description="a bonus's occasion: first_purchase, birthday, name_day, survey or compliment"
    )
    ticket_id: int | None = Field(None, description="the request a service credit was given on")
    reward_id: int | None = Field(None, description="the reward a redemption took")


class ExpiringOut(Schema):
    points: int
    on: dt.date | None = Field(None, description="the first expiry date within the next 30 days")


class LedgerPage(Schema):
    items: list[EntryOut]
    limit: int
    offset: int
    has_more: bool


class TierOut(Schema):
    id: int
    name: str = Field(..., description="in the business's language (the English name, when set, for English)")
    since: dt.datetime | None = None
    benefits: list[str]
    grace_until: dt.datetime | None = Field(
        None, description="below the tier's threshold: the tier is kept until then, then it moves down"
    )


class NextTierOut(Schema):
    id: int
    name: str
    needed: Decimal = Field(..., description="euros of spend or points (see basis) still missing")
    needed_text: str = Field(..., description="the same in words, e.g. “€120.00 more in purchases”")


class QualifiesOut(Schema):
    id: int
    name: str


class LoyaltyOut(Schema):
    customer_id: int
    balance: int
    expiring_soon: ExpiringOut
    ledger: LedgerPage
    tier: TierOut | None = Field(None, description="null below the lowest tier or without tiers")
    qualifies_for: QualifiesOut | None = Field(
        None,
        description="a higher tier the last 12 months already reach; the tier review (run after each "
        "order's points are booked, and periodically) places the customer there; null otherwise",
    )
    next_tier: NextTierOut | None = Field(
        None, description="the tier after the one held (or qualified for); null at the top or without tiers"
    )
    tier_basis: str | None = Field(
        None, description="spend (euros) or points, over the last 12 months; null without tiers"
    )
    tier_measure: Decimal | None = Field(
        None, description="the customer's spend or points in the last 12 months"
    )


class RedeemIn(In):
    points: int = Field(..., ge=1, le=MAX_POINTS)
    reason: Str = Field(..., min_length=1, max_length=500)


class AdjustIn(In):
    points: int = Field(..., ge=-MAX_POINTS, le=MAX_POINTS, description="positive adds, negative takes away")
    reason: Str = Field(..., min_length=1, max_length=500)


class BalanceOut(Schema):
    customer_id: int
    balance: int
    entry_id: int


def _customer(request: HttpRequest, customer_id: int, permission: str) -> Customer:
    if not request.user.has_perm(permission):
        raise PermissionDenied
    customer = Customer.objects.select_related("merged_into").filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    return customer.merged_into or customer  # a merged customer's points live with the one it became


def _left(entry: LedgerEntry) -> int:
    """The balance this entry left: read under the account lock, so a concurrent redemption that commits
    right after cannot show in this answer."""
    return entry.account.balance + entry.points


def _short(exc: InsufficientPoints) -> Status[dict[str, Any]]:
    message = f"Not enough points: the balance is {exc.balance} points, {exc.wanted} were asked for."
    return Status(
        409, {"detail": [{"loc": ["body", "points"], "msg": message, "type": "insufficient_points"}]}
    )


@router.get("/{customer_id}", response={200: LoyaltyOut, **errors(404)}, summary="A customer's points")
def loyalty_detail(request: HttpRequest, customer_id: IdPath, page: Query[PageParams]) -> dict[str, Any]:
    customer = _customer(request, customer_id, queries.VIEW_PERMISSION)
    rows = list(queries.ledger_of(customer)[page.offset : page.offset + page.limit + 1])
    soon = queries.expiring_soon(customer, now=timezone.now())
    status = queries.tier_status(customer.pk)
    return {
        "customer_id": customer.pk,
        "balance": queries.balance_of(customer),
        "expiring_soon": {"points": soon.points, "on": soon.on},
        "ledger": {
            "items": rows[: page.limit],
            "limit": page.limit,
            "offset": page.offset,
            "has_more": len(rows) > page.limit,
        },
        **_tier_fields(status),
    }


def _tier_fields(status: queries.TierStatus | None) -> dict[str, Any]:
    if status is None:
        return {
            "tier": None,
            "qualifies_for": None,
            "next_tier": None,
            "tier_basis": None,
            "tier_measure": None,
        }
    tier = None
    if status.tier_id is not None:
        tier = {
            "id": status.tier_id,
            "name": status.tier,
            "since": status.tier_since,
            "benefits": status.benefits,
            "grace_until": status.grace_until,
        }
    upcoming = None
    if status.next_tier_id is not None:
        upcoming = {
            "id": status.next_tier_id,
            "name": status.next_tier,
            "needed": status.needed,
            "needed_text": status.needed_text,
        }
    qualifies = None
    if status.qualifies_id is not None:
        qualifies = {"id": status.qualifies_id, "name": status.qualifies}
    return {
        "tier": tier,
        "qualifies_for": qualifies,
        "next_tier": upcoming,
        "tier_basis": status.basis,
        "tier_measure": status.measure,
    }


@router.post(
    "/{customer_id}/redeem",
    response={200: BalanceOut, **errors(400, 404, 409)},
    summary="Spend points (409 when the balance is short)",
)
def loyalty_redeem(request: HttpRequest, customer_id: IdPath, payload: RedeemIn) -> Status[dict[str, Any]]:
    customer = _customer(request, customer_id, queries.REDEEM_PERMISSION)
    try:
        entry = points_redeem(
            customer=customer, points=payload.points, reason=payload.reason, by=request_user(request)
        )
    except InsufficientPoints as exc:
        return _short(exc)
    return Status(200, {"customer_id": customer.pk, "balance": _left(entry), "entry_id": entry.pk})


@router.post(
    "/{customer_id}/adjust",
    response={200: BalanceOut, **errors(400, 404, 409)},
    summary="Add or take away points by hand (managers)",
)
def loyalty_adjust(request: HttpRequest, customer_id: IdPath, payload: AdjustIn) -> Status[dict[str, Any]]:
    customer = _customer(request, customer_id, queries.ADJUST_PERMISSION)
    try:
        entry = points_adjust(
            customer=customer, points=payload.points, reason=payload.reason, by=request_user(request)
        )
    except InsufficientPoints as exc:
        return _short(exc)
    return Status(200, {"customer_id": customer.pk, "balance": _left(entry), "entry_id": entry.pk})
