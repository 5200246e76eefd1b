"""Tiers: each account's level from its last 12 months (spend in euros or points earned, by the programme).

A customer who reaches a higher tier moves up at once. One who falls below keeps their tier for the
programme's grace days (``grace_until``) and moves down only if still below when that passes; climbing
back meanwhile ends the grace. Every move is a TierChange and an entry on the customer's timeline.

The measure and the tier it reaches are computed in SQL for every account in one query; Python sees only
the accounts whose tier or grace changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    DecimalField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from pelatis.customers.models import Customer, Order
from pelatis.customers.services import interaction_record, timeline_text

from ..models import LedgerEntry, LoyaltyAccount, LoyaltyProgramme, Tier, TierBasis, TierChange
from .orders import EARNING, months_after

BATCH = 500
AMOUNT = DecimalField(max_digits=14, decimal_places=2)
# What counts as points earned: orders (less their reversals) and bonuses; not credits or adjustments.
EARNED_KINDS = [LedgerEntry.Kind.EARN, LedgerEntry.Kind.REVERSE, LedgerEntry.Kind.BONUS]


@dataclass(frozen=True)
class Move:
    account_id: int
    customer_id: int
    tier_id: int | None
    target_id: int | None
    grace_until: dt.datetime | None


def window_start(now: dt.datetime) -> dt.datetime:
    """The start of the rolling 12 months that decide the tier."""
    return months_after(now, -12)


def with_measure(accounts: QuerySet[LoyaltyAccount], *, basis: str, now: dt.datetime) -> QuerySet[Any]:
    """``accounts`` annotated with ``measure``: euros spent or points earned in the 12 months to ``now``."""
    since = window_start(now)
    measure: Func
    if basis == TierBasis.POINTS:
        earned = (
            LedgerEntry.objects.filter(
                account=OuterRef("pk"), kind__in=EARNED_KINDS, created_at__gt=since, created_at__lte=now
            )
            .order_by()
            .values("account")
            .annotate(total=Sum("points"))
            .values("total")
        )
        measure = Cast(Coalesce(Subquery(earned), Value(0)), AMOUNT)
    else:
        spent = (
            Order.objects.filter(
                customer=OuterRef("customer_id"), status__in=EARNING, placed_at__gt=since, placed_at__lte=now
            )
            .order_by()
            .values("customer")
            .annotate(total=Sum("total"))
            .values("total")
        )
        measure = Coalesce(Subquery(spent, output_field=AMOUNT), Value(Decimal("0")), output_field=AMOUNT)
    reached = Tier.objects.filter(threshold__lte=OuterRef("measure")).order_by("-threshold").values("pk")[:1]
    return accounts.annotate(measure=measure).annotate(target_id=Subquery(reached))


def measure_of(*, customer_id: int, now: dt.datetime | None = None) -> tuple[Decimal, int | None]:
    """One customer's 12-month measure and the tier it reaches now (ignoring the grace)."""
    programme = LoyaltyProgramme.current()
    row = (
        with_measure(
            LoyaltyAccount.objects.filter(customer_id=customer_id),
            basis=programme.tier_basis,
            now=now or timezone.now(),
        )
        .values_list("measure", "target_id")
        .first()
    )
    return (Decimal(row[0] or 0), row[1]) if row is not None else (Decimal("0"), None)


def tiers_evaluate(
    *, customer_ids: list[int] | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Move accounts between tiers by their last 12 months; returns counts of what happened.

    Idempotent for a given ``now``: a second run finds nothing to change.
    """
    now = now or timezone.now()
    counts = {"upgrades": 0, "downgrades": 0, "grace_started": 0, "grace_ended": 0}
    programme = LoyaltyProgramme.current()
    thresholds = dict(Tier.objects.values_list("pk", "threshold"))
    accounts = LoyaltyAccount.objects.all()
    if customer_ids is not None:
        accounts = accounts.filter(customer_id__in=customer_ids)
    rows = (
        with_measure(accounts, basis=programme.tier_basis, now=now)
        .annotate(current=Coalesce("tier_id", Value(0)), reached=Coalesce("target_id", Value(0)))
        .filter(~Q(current=F("reached")) | Q(grace_until__isnull=False))
        .order_by("pk")
        .values_list("pk", "customer_id", "tier_id", "target_id", "grace_until")
    )
    moves = [Move(*row) for row in rows]
    for start in range(0, len(moves), BATCH):
        done = _apply(moves[start : start + BATCH], thresholds, programme.tier_grace_days, now)
        for key, value in done.items():
            counts[key] += value
    return counts


def _rank(tier_id: int | None, thresholds: dict[int, Decimal]) -> Decimal:
    return thresholds[tier_id] if tier_id is not None and tier_id in thresholds else Decimal("-1")


@transaction.atomic
def _apply(
    moves: list[Move], thresholds: dict[int, Decimal], grace_days: int, now: dt.datetime
) -> dict[str, int]:
    locked = {
        a.pk: (a.tier_id, a.grace_until)
        for a in LoyaltyAccount.objects.select_for_update()
        .filter(pk__in=[m.account_id for m in moves])
        .order_by("pk")
    }
    # An account another writer changed since the read is left for the next run.
    moves = [m for m in moves if locked.get(m.account_id) == (m.tier_id, m.grace_until)]
    counts = {"upgrades": 0, "downgrades": 0, "grace_started": 0, "grace_ended": 0}
    changes: list[tuple[Move, str]] = []
    grace_start: list[int] = []
    grace_end: list[int] = []
    for move in moves:
        have, reach = _rank(move.tier_id, thresholds), _rank(move.target_id, thresholds)
        if move.target_id == move.tier_id or reach > have:
            if move.target_id != move.tier_id:
                changes.append((move, TierChange.Direction.UP))
            elif move.grace_until is not None:
                grace_end.append(move.account_id)
        elif grace_days == 0 or (move.grace_until is not None and move.grace_until <= now):
            changes.append((move, TierChange.Direction.DOWN))
        elif move.grace_until is None:
            grace_start.append(move.account_id)
    LoyaltyAccount.objects.filter(pk__in=grace_start).update(grace_until=now + dt.timedelta(days=grace_days))
    LoyaltyAccount.objects.filter(pk__in=grace_end).update(grace_until=None)
    counts["grace_started"], counts["grace_ended"] = len(grace_start), len(grace_end)
    _changes_write(changes, now)
    counts["upgrades"] = sum(1 for _m, d in changes if d == TierChange.Direction.UP)
    counts["downgrades"] = len(changes) - counts["upgrades"]
    return counts


def _changes_write(changes: list[tuple[Move, str]], now: dt.datetime) -> None:
    """The accounts' new tiers (one UPDATE per tier reached), their history rows and timeline entries."""
    if not changes:
        return
    names = dict(Tier.objects.values_list("pk", "name"))
    by_target: defaultdict[int | None, list[int]] = defaultdict(list)
    for move, _direction in changes:
        by_target[move.target_id].append(move.account_id)
    for target_id, account_ids in by_target.items():
        LoyaltyAccount.objects.filter(pk__in=account_ids).update(
            tier_id=target_id, tier_since=now if target_id is not None else None, grace_until=None
        )
    history = TierChange.objects.bulk_create(
        [
            TierChange(
                account_id=move.account_id,
                from_tier_id=move.tier_id if move.tier_id in names else None,
                to_tier_id=move.target_id,
                from_name=names.get(move.tier_id, "") if move.tier_id is not None else "",
                to_name=names.get(move.target_id, "") if move.target_id is not None else "",
                direction=direction,
                reason=_reason(direction),
                at=now,
            )
            for move, direction in changes
        ]
    )
    customers = Customer.objects.in_bulk([move.customer_id for move, _d in changes])
    for (move, direction), change in zip(changes, history, strict=True):
        interaction_record(
            customer=customers[move.customer_id],
            channel="system",
            direction="internal",
            summary=_summary(direction, change),
            occurred_at=now,
            source_type="loyalty.tierchange",
            source_id=str(change.pk),
        )


def _reason(direction: str) -> str:
    if direction == TierChange.Direction.UP:
        return timeline_text(gettext_noop("Reached the tier's threshold in the last 12 months."))
    return timeline_text(gettext_noop("Below the tier's threshold at the end of the grace period."))


def _summary(direction: str, change: TierChange) -> str:
    if not change.to_name:
        return timeline_text(gettext_noop("Loyalty tier: left “%(old)s”"), old=change.from_name)
    if direction == TierChange.Direction.UP:
        return timeline_text(gettext_noop("Loyalty tier: up to “%(new)s”"), new=change.to_name)
    return timeline_text(gettext_noop("Loyalty tier: down to “%(new)s”"), new=change.to_name)
