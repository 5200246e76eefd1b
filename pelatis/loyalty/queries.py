"""Reads: a customer's balance, what expires soon, the ledger page, the tier and what the next one needs;
who may do what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pelatis.core.formatting import format_money
from pelatis.customers.models import Customer

from .fifo import lots_remaining
from .models import LedgerEntry, LoyaltyAccount, LoyaltyProgramme, Tier, TierBasis
from .services.expiry import movements_of
from .services.tiers import measure_of

# Every role reads points, agents redeem at the counter, managers adjust (pelatis/accounts/roles.py).
VIEW_PERMISSION = "loyalty.view_loyaltyaccount"
REDEEM_PERMISSION = "loyalty.redeem_points"
ADJUST_PERMISSION = "loyalty.adjust_points"

EXPIRING_WITHIN = dt.timedelta(days=30)


@dataclass(frozen=True)
class Expiring:
    points: int
    on: dt.date | None


@dataclass(frozen=True)
class TierStatus:
    """Where a customer stands: their tier, its benefits, and what the next tier still needs."""

    tier: str | None  # the tier's name in the reader's language; None below the lowest tier
    tier_id: int | None
    benefits: list[str] = field(default_factory=list)
    tier_since: dt.datetime | None = None
    grace_until: dt.datetime | None = None  # below the tier: it is kept until then
    basis: str = TierBasis.SPEND  # "spend" (euros) or "points", over the last 12 months
    measure: Decimal = Decimal("0")  # the customer's spend or points in the last 12 months
    next_tier: str | None = None
    next_tier_id: int | None = None
    needed: Decimal | None = (
        None  # euros or points still missing for the next tier (0: reached, not yet moved)
    )
    needed_text: str = ""  # the same, in words: "€120.00 more in purchases", "300 more points"
    # A higher tier the last 12 months already reach, before the tier review has placed the customer there
    # (the review runs after each order's points are booked and periodically): None when placed.
    qualifies: str | None = None
    qualifies_id: int | None = None


def tier_benefits(tier: Tier) -> list[str]:
    """The tier's benefits as sentences in the active language (the discount, the flags, each perks line)."""
    found = []
    if tier.discount_percent:
        percent = number_format(tier.discount_percent.normalize(), use_l10n=True)
        found.append(_("%(percent)s%% discount") % {"percent": percent})
    if tier.free_delivery:
        found.append(_("Free delivery"))
    if tier.early_access:
        found.append(_("Early access to sales"))
    if tier.exclusive_offers:
        found.append(_("Exclusive offers"))
    found += [line.strip() for line in tier.perks.splitlines() if line.strip()]
    return found


def _needed_text(basis: str, needed: Decimal, language: str, *, joined: bool) -> str:
    if needed <= 0 and not joined:  # a first tier from 0, for someone not in the programme yet
        return _("with the first points") if basis == TierBasis.POINTS else _("with the first purchase")
    if basis == TierBasis.POINTS:
        return _("%(points)s more points") % {
            "points": number_format(int(needed.to_integral_value()), use_l10n=True, force_grouping=True)
        }
    return _("%(amount)s more in purchases") % {"amount": format_money(needed, language=language)}


def _rank(tier: Tier | None) -> Decimal:
    return tier.threshold if tier is not None else Decimal("-1")


def tier_status(
    customer_id: int, *, language: str | None = None, now: dt.datetime | None = None
) -> TierStatus | None:
    """The customer's tier, a higher one they already qualify for, and the next one (names and texts in
    ``language``, default the active one); None when the programme has no tiers. Only reads: placing a
    customer is the tier review's job."""
    tiers = list(Tier.objects.order_by("threshold"))
    if not tiers:
        return None
    lang = language or translation.get_language() or "el"
    programme = LoyaltyProgramme.current()
    holder = Customer.objects.filter(pk=customer_id).values_list("merged_into_id", flat=True).first()
    account = LoyaltyAccount.objects.filter(customer_id=holder or customer_id).first()
    measure, reached_id = measure_of(customer_id=holder or customer_id, now=now or timezone.now())
    current = next((t for t in tiers if account is not None and t.pk == account.tier_id), None)
    reached = next((t for t in tiers if t.pk == reached_id), None)
    qualifies = reached if _rank(reached) > _rank(current) else None
    base = qualifies or current
    above = [t for t in tiers if base is None or t.threshold > base.threshold]
    upcoming = above[0] if above else None
    with translation.override(lang):
        needed = max(Decimal("0"), upcoming.threshold - measure) if upcoming is not None else None
        return TierStatus(
            tier=current.label(lang) if current else None,
            tier_id=current.pk if current else None,
            benefits=tier_benefits(current) if current else [],
            tier_since=account.tier_since if account is not None and current else None,
            grace_until=account.grace_until if account is not None and current else None,
            basis=programme.tier_basis,
            measure=measure,
            next_tier=upcoming.label(lang) if upcoming else None,
            next_tier_id=upcoming.pk if upcoming else None,
            needed=needed,
            needed_text=(
                _needed_text(programme.tier_basis, needed, lang, joined=account is not None)
                if needed is not None
                else ""
            ),
            qualifies=qualifies.label(lang) if qualifies else None,
            qualifies_id=qualifies.pk if qualifies else None,
        )


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
