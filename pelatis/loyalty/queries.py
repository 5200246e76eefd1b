"""Reads: a customer's balance, what expires soon, the ledger page; who may do what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from pelatis.customers.models import Customer

from .fifo import lots_remaining
from .models import LedgerEntry, LoyaltyAccount
from .services.expiry import movements_of

# Every role reads points, agents redeem at the counter, managers adjust (pelatis/accounts/roles.py).
VIEW_PERMISSION = "loyalty.view_loyaltyaccount"
REDEEM_PERMISSION = "loyalty.redeem_points"
ADJUST_PERMISSION = "loyalty.adjust_points"

EXPIRING_WITHIN = dt.timedelta(days=30)


@dataclass(frozen=True)
class Expiring:
    points: int
    on: dt.date | None


def balance_of(customer: Customer) -> int:
    """The customer's balance (0 without an account)."""
    account = LoyaltyAccount.objects.filter(customer=customer).only("balance").first()
    return account.balance if account is not None else 0


def expiring_soon(
    customer: Customer, *, now: dt.datetime, within: dt.timedelta = EXPIRING_WITHIN
) -> Expiring:
    """Unspent points whose expiry falls within ``within`` of ``now``, and the first such date."""
    account = LoyaltyAccount.objects.filter(customer=customer).only("pk").first()
    if account is None:
        return Expiring(points=0, on=None)
    soon = [
        lot
        for lot in lots_remaining(movements_of([account.pk]).get(account.pk, []))
        if lot.remaining > 0 and lot.expires_at is not None and now < lot.expires_at <= now + within
    ]
    first = min((lot.expires_at for lot in soon if lot.expires_at is not None), default=None)
    return Expiring(points=sum(lot.remaining for lot in soon), on=first.date() if first else None)


def ledger_of(customer: Customer) -> QuerySet[LedgerEntry]:
    """The customer's ledger, newest first."""
    return LedgerEntry.objects.filter(account__customer=customer).order_by("-created_at", "-id")
