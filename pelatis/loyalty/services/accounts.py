"""Account rows for a write: created when missing, then locked, so two writers of one account queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer

from ..models import LoyaltyAccount


def accounts_locked(*, customer_ids: Iterable[int], create: bool) -> dict[int, LoyaltyAccount]:
    """``{customer_id: account}`` locked for this transaction (created first when ``create``).

    Must run inside a transaction. PostgreSQL locks the rows (in id order, so two writers never deadlock);
    SQLite's transactions are IMMEDIATE (settings.SQLITE_OPTIONS), so the whole write is already serialised.
    """
    ids = sorted(set(customer_ids))
    if create and ids:
        LoyaltyAccount.objects.bulk_create(
            [LoyaltyAccount(customer_id=pk) for pk in ids], ignore_conflicts=True, batch_size=500
        )
    rows = LoyaltyAccount.objects.select_for_update().filter(customer_id__in=ids).order_by("pk")
    return {account.customer_id: account for account in rows}


def account_locked(*, customer: Customer, create: bool) -> LoyaltyAccount | None:
    """The customer's account, locked (see :func:`accounts_locked`); None when it has none and not ``create``."""
    return accounts_locked(customer_ids=[customer.pk], create=create).get(customer.pk)


def balances_move(deltas: dict[int, int]) -> None:
    """Add ``{account_id: points}`` to the cached balances in one statement (F(), not read-modify-write)."""
    moved = {pk: delta for pk, delta in deltas.items() if delta}
    if not moved:
        return
    change = Case(
        *[When(pk=pk, then=Value(delta)) for pk, delta in moved.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    LoyaltyAccount.objects.filter(pk__in=list(moved)).update(balance=F("balance") + change)


def points_holder_id(customer_id: int, *, field: str = "customer_id") -> int:
    """The customer who holds the points now (a merged customer's went to the one it became).

    Raises ValidationError naming ``field`` when there is no such customer.
    """
    row = Customer.objects.filter(pk=customer_id).values_list("pk", "merged_into_id").first()
    if row is None:
        raise ValidationError({field: [_("There is no customer %(id)s.") % {"id": customer_id}]})
    return row[1] or row[0]
