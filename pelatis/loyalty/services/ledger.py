"""Staff's writes to an account: redeem and adjust; the balance check; a customer merge's move."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer

from ..models import LedgerEntry, LoyaltyAccount, TierChange
from .accounts import account_locked, balances_move
from .tiers import tiers_evaluate

MAX_POINTS = 10_000_000  # one movement; far above any real redemption, far below the integer column's limit


class InsufficientPoints(Exception):
    """The balance does not cover the points asked for; nothing was written."""

    def __init__(self, balance: int, wanted: int) -> None:
        super().__init__(f"The balance is {balance} points; {wanted} were asked for.")
        self.balance = balance
        self.wanted = wanted


@dataclass(frozen=True)
class BalanceCheck:
    cached: int
    ledger: int

    @property
    def ok(self) -> bool:
        return self.cached == self.ledger


def _points_clean(points: int, *, allow_negative: bool) -> None:
    if points == 0 or abs(points) > MAX_POINTS or (points < 0 and not allow_negative):
        message = (
            _("Give a whole number of points other than 0, from -%(max)s to %(max)s.")
            if allow_negative
            else _("Give a whole number of points from 1 to %(max)s.")
        )
        raise ValidationError({"points": [message % {"max": MAX_POINTS}]})


def _reason_clean(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": [_("Say why.")]})
    if len(text) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    return text


@transaction.atomic
def points_redeem(*, customer: Customer, points: int, reason: str, by: User | None) -> LedgerEntry:
    """Spend ``points`` of the customer's balance; raises InsufficientPoints (writing nothing) when short."""
    _points_clean(points, allow_negative=False)
    text = _reason_clean(reason)
    account = account_locked(customer=customer, create=False)
    balance = account.balance if account is not None else 0
    if account is None or balance < points:
        raise InsufficientPoints(balance=balance, wanted=points)
    entry = LedgerEntry.objects.create(
        account=account, kind=LedgerEntry.Kind.REDEEM, points=-points, reason=text, by=by
    )
    balances_move({account.pk: -points})
    return entry


@transaction.atomic
def points_adjust(*, customer: Customer, points: int, reason: str, by: User | None) -> LedgerEntry:
    """Add (or take away) points by hand, with a reason; never below a zero balance (InsufficientPoints)."""
    _points_clean(points, allow_negative=True)
    text = _reason_clean(reason)
    account = account_locked(customer=customer, create=points > 0)
    balance = account.balance if account is not None else 0
    if account is None or balance + points < 0:
        raise InsufficientPoints(balance=balance, wanted=-points)
    entry = LedgerEntry.objects.create(
        account=account, kind=LedgerEntry.Kind.ADJUST, points=points, reason=text, by=by
    )
    balances_move({account.pk: points})
    return entry


def balance_check(*, customer: Customer) -> BalanceCheck:
    """The cached balance against the ledger's sum (they differ only if something bypassed the services)."""
    account = LoyaltyAccount.objects.filter(customer=customer).first()
    if account is None:
        return BalanceCheck(cached=0, ledger=0)
    total = account.entries.aggregate(total=Sum("points"))["total"] or 0
    return BalanceCheck(cached=account.balance, ledger=int(total))


def loyalty_move_to_customer(survivor: Customer, merged: Customer) -> dict[str, int]:
    """Customer-merge participant: the merged customer's ledger and balance now belong to the survivor."""
    accounts = {
        a.customer_id: a
        for a in LoyaltyAccount.objects.select_for_update()
        .filter(customer_id__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    source = accounts.get(merged.pk)
    if source is None:
        return {"loyalty_entries": 0}
    target = accounts.get(survivor.pk)
    if target is None:
        LoyaltyAccount.objects.filter(pk=source.pk).update(customer=survivor)
        tiers_evaluate(customer_ids=[survivor.pk])
        return {"loyalty_entries": source.entries.count()}
    moved = LedgerEntry.objects.filter(account=source).update(account=target)
    balances_move({target.pk: source.balance, source.pk: -source.balance})
    TierChange.objects.filter(account=source).update(account=target)
    # The survivor's tier follows the spend or points they now have together (the periodic review would too).
    tiers_evaluate(customer_ids=[survivor.pk])
    return {"loyalty_entries": moved}
