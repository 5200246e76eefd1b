"""Points for orders: earned once an order is paid, reversed once it is cancelled, refunded or deleted.

Customers tell loyalty which orders changed (CUSTOMER_ORDERS_CHANGED, after the write commits), by any path:
the staff form, the API, an import or an import's undo. :func:`loyalty_orders_sync` looks at where each order
is now and writes what is missing, so it may hear of an order any number of times.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelatis.customers.models import Order, OrderLine

from ..models import LedgerEntry, LoyaltyAccount, LoyaltyProgramme
from .accounts import accounts_locked, balances_move

BATCH = 500
EARNING = (Order.Status.PAID, Order.Status.FULFILLED)
REVERSING = (Order.Status.CANCELLED, Order.Status.REFUNDED)
_REASONS: dict[str, Any] = {
    Order.Status.CANCELLED: gettext_lazy("The order was cancelled."),
    Order.Status.REFUNDED: gettext_lazy("The order was refunded."),
}


@dataclass(frozen=True)
class SyncResult:
    earned: int = 0
    reversed: int = 0
    points_earned: int = 0
    points_reversed: int = 0
    customer_ids: frozenset[int] = frozenset()  # whose orders (or earnings of gone orders) these were


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` plus whole calendar months (31 January + 1 month is the last day of February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _points(total: Decimal, lines: Iterable[tuple[str, Decimal]], programme: LoyaltyProgramme) -> int:
    """Whole points for an order: each line's amount × points per euro × its category's multiplier."""
    amounts = list(lines)
    if not amounts:
        amounts = [("", total)]
    exact = sum(
        (amount * programme.points_per_euro * programme.multiplier(category) for category, amount in amounts),
        Decimal("0"),
    )
    return max(0, math.floor(exact))


def points_for_order(*, order: Order, programme: LoyaltyProgramme | None = None) -> int:
    """The points ``order`` earns under the programme's rules (floored to whole points)."""
    rules = programme or LoyaltyProgramme.current()
    lines = [(line.category, line.line_total) for line in order.lines.all()]
    return _points(order.total, lines, rules)


def loyalty_orders_sync(*, order_ids: Iterable[int]) -> SyncResult:
    """Earn for paid orders that have not earned, reverse earned ones that are cancelled, refunded or gone.

    Idempotent, in batches of 500 orders, each one transaction over a bounded number of queries.
    """
    ids = sorted({int(pk) for pk in order_ids})
    totals = SyncResult()
    for start in range(0, len(ids), BATCH):
        done = _sync_batch(ids[start : start + BATCH])
        totals = SyncResult(
            earned=totals.earned + done.earned,
            reversed=totals.reversed + done.reversed,
            points_earned=totals.points_earned + done.points_earned,
            points_reversed=totals.points_reversed + done.points_reversed,
            customer_ids=totals.customer_ids | done.customer_ids,
        )
    return totals


@transaction.atomic
def _sync_batch(ids: list[int]) -> SyncResult:
    programme = LoyaltyProgramme.current()
    orders = {
        row["pk"]: row
        for row in Order.objects.filter(pk__in=ids).values(
            "pk", "customer_id", "reference", "status", "total", "placed_at"
        )
    }
    earned_by = dict(
        LedgerEntry.objects.filter(order_id__in=ids, kind=LedgerEntry.Kind.EARN).values_list(
            "order_id", "account__customer_id"
        )
    )
    wants_earning = programme.active and any(o["status"] in EARNING for o in orders.values())
    accounts = accounts_locked(
        customer_ids=[o["customer_id"] for o in orders.values()] + list(earned_by.values()),
        create=wants_earning,
    )
    # Read again under the locks: a concurrent sync of the same orders has committed by now.
    done: defaultdict[int, dict[str, LedgerEntry]] = defaultdict(dict)
    for entry in LedgerEntry.objects.filter(
        order_id__in=ids, kind__in=[LedgerEntry.Kind.EARN, LedgerEntry.Kind.REVERSE]
    ).select_related("account"):
        if entry.order_id is not None:  # always, by the filter; narrows the type
            done[entry.order_id][entry.kind] = entry
    balances = {a.pk: a.balance for a in accounts.values()}
    balances.update({e.account_id: e.account.balance for d in done.values() for e in d.values()})

    now = timezone.now()
    new: list[LedgerEntry] = []
    if programme.active:
        new += _earnings(orders, done, accounts, programme, now)
    for entry in new:
        balances[entry.account_id] += entry.points
    earned = len(new)
    new += _reversals(orders, done, balances, now)
    LedgerEntry.objects.bulk_create(new)
    deltas: dict[int, int] = defaultdict(int)
    for entry in new:
        deltas[entry.account_id] += entry.points
    balances_move(deltas)
    return SyncResult(
        earned=earned,
        reversed=len(new) - earned,
        points_earned=sum(e.points for e in new[:earned]),
        points_reversed=-sum(e.points for e in new[earned:]),
        customer_ids=frozenset(o["customer_id"] for o in orders.values()) | frozenset(earned_by.values()),
    )


def _earnings(
    orders: Mapping[int, Mapping[str, Any]],
    done: dict[int, dict[str, LedgerEntry]],
    accounts: dict[int, LoyaltyAccount],
    programme: LoyaltyProgramme,
    now: dt.datetime,
) -> list[LedgerEntry]:
    due = sorted(
        (o for o in orders.values() if o["status"] in EARNING and "earn" not in done.get(o["pk"], {})),
        key=lambda o: (o["placed_at"], o["pk"]),
    )
    # Orders placed so long ago that their points would already have expired earn nothing.
    due = [o for o in due if months_after(o["placed_at"], programme.expiry_months) > now]
    if not due:
        return []
    lines: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for order_id, category, quantity, price in OrderLine.objects.filter(
        order_id__in=[o["pk"] for o in due]
    ).values_list("order_id", "category", "quantity", "unit_price"):
        lines[order_id].append((category, (quantity * price).quantize(Decimal("0.01"))))
    account_ids = [accounts[o["customer_id"]].pk for o in due]
    have_earned = set(
        LedgerEntry.objects.filter(account_id__in=account_ids, kind=LedgerEntry.Kind.EARN).values_list(
            "account_id", flat=True
        )
    )
    entries = []
    for order in due:
        account = accounts[order["customer_id"]]
        points = _points(order["total"], lines[order["pk"]], programme)
        reason = ""
        if account.pk not in have_earned and programme.first_purchase_bonus:
            points += programme.first_purchase_bonus
            reason = _("including a first purchase bonus of %(n)s points") % {
                "n": programme.first_purchase_bonus
            }
        if points <= 0:
            continue
        have_earned.add(account.pk)
        entries.append(
            LedgerEntry(
                account=account,
                kind=LedgerEntry.Kind.EARN,
                points=points,
                order_id=order["pk"],
                order_reference=order["reference"],
                reason=reason,
                created_at=now,
                expires_at=months_after(order["placed_at"], programme.expiry_months),
            )
        )
    return entries


def _reversals(
    orders: Mapping[int, Mapping[str, Any]],
    done: dict[int, dict[str, LedgerEntry]],
    balances: dict[int, int],
    now: dt.datetime,
) -> list[LedgerEntry]:
    entries = []
    for order_id, found in sorted(done.items()):
        earn = found.get("earn")
        order = orders.get(order_id)
        if earn is None or "reverse" in found or (order is not None and order["status"] not in REVERSING):
            continue
        # Points already spent cannot be taken back: reverse what is left, say what was not.
        points = min(earn.points, max(balances[earn.account_id], 0))
        why = str(_REASONS.get(order["status"] if order is not None else "", _("The order was deleted.")))
        if points < earn.points:
            why += " " + _("%(n)s points were already spent and were not reversed.") % {
                "n": earn.points - points
            }
        balances[earn.account_id] -= points
        entries.append(
            LedgerEntry(
                account_id=earn.account_id,
                kind=LedgerEntry.Kind.REVERSE,
                points=-points,
                order_id=order_id,
                order_reference=earn.order_reference,
                reason=why,
                created_at=now,
            )
        )
    return entries
