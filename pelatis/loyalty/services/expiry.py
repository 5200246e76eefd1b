"""Points expire the programme's number of months after the order (or the bonus, or the credit) that gave
them, oldest first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..fifo import Movement, lots_remaining
from ..models import LedgerEntry, LoyaltyAccount
from .accounts import balances_move

BATCH = 200
# The entries that carry an expiry date (every kind that adds points but a manual adjustment).
EXPIRING_KINDS = [LedgerEntry.Kind.EARN, LedgerEntry.Kind.BONUS, LedgerEntry.Kind.CREDIT]


def movements_of(account_ids: list[int]) -> dict[int, list[Movement]]:
    """Each account's ledger as the FIFO allocation reads it, in one query."""
    found: dict[int, list[Movement]] = defaultdict(list)
    for account_id, pk, kind, points, order_id, created_at, expires_at in LedgerEntry.objects.filter(
        account_id__in=account_ids
    ).values_list("account_id", "pk", "kind", "points", "order_id", "created_at", "expires_at"):
        found[account_id].append(Movement(pk, kind, points, order_id, created_at, expires_at))
    return found


def points_expire(*, now: dt.datetime) -> int:
    """Expire every unspent earned point whose expiry has come; returns the points expired. Idempotent."""
    due = (
        LoyaltyAccount.objects.filter(
            balance__gt=0, entries__kind__in=EXPIRING_KINDS, entries__expires_at__lte=now
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    account_ids = list(due)
    return sum(_expire_batch(account_ids[i : i + BATCH], now) for i in range(0, len(account_ids), BATCH))


@transaction.atomic
def _expire_batch(account_ids: list[int], now: dt.datetime) -> int:
    locked = {
        a.pk: a.balance
        for a in LoyaltyAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    }
    entries = []
    for account_id, movements in movements_of(list(locked)).items():
        lapsed = [
            lot for lot in lots_remaining(movements) if lot.expires_at is not None and lot.expires_at <= now
        ]
        points = min(sum(lot.remaining for lot in lapsed), locked[account_id])
        if points <= 0:
            continue
        last = max(lot.expires_at for lot in lapsed if lot.remaining and lot.expires_at is not None)
        entries.append(
            LedgerEntry(
                account_id=account_id,
                kind=LedgerEntry.Kind.EXPIRE,
                points=-points,
                reason=_("Unspent points that expired on or before %(date)s.")
                % {"date": date_format(last.date())},
                created_at=now,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    balances_move({e.account_id: e.points for e in entries})
    return -sum(e.points for e in entries)
