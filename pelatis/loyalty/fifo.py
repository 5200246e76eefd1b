"""Which earned points are still unspent, oldest first: pure Python over one account's ledger.

Every positive entry (an order's earn, a positive adjustment) is a lot. A reversal takes from its own order's
lot; everything else spent (redemptions, expiries, negative adjustments, and what a reversal could not take
because the points were already spent) takes from the lots in the order they expire, the earliest first,
lots that never expire last. The lots' remainders always add up to the balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Movement:
    """The part of a ledger entry the allocation needs."""

    id: int
    kind: str
    points: int
    order_id: int | None
    created_at: dt.datetime
    expires_at: dt.datetime | None


@dataclass
class Lot:
    entry_id: int
    points: int
    remaining: int
    created_at: dt.datetime
    expires_at: dt.datetime | None


def lots_remaining(movements: Iterable[Movement]) -> list[Lot]:
    """Each lot with what is left of it after everything spent so far, in the order they are spent."""
    entries = list(movements)
    lots = sorted(
        (
            Lot(
                entry_id=m.id,
                points=m.points,
                remaining=m.points,
                created_at=m.created_at,
                expires_at=m.expires_at,
            )
            for m in entries
            if m.points > 0
        ),
        key=lambda lot: (lot.expires_at or FAR_FUTURE, lot.created_at, lot.entry_id),
    )
    lot_of_order = {m.order_id: m.id for m in entries if m.kind == "earn" and m.order_id is not None}
    by_entry = {lot.entry_id: lot for lot in lots}
    spent = 0
    for m in entries:
        if m.points >= 0:
            continue
        lot_id = lot_of_order.get(m.order_id) if m.kind == "reverse" and m.order_id is not None else None
        target = by_entry.get(lot_id) if lot_id is not None else None
        if target is not None:
            taken = min(-m.points, target.remaining)
            target.remaining -= taken
            spent += -m.points - taken
        else:
            spent += -m.points
    for lot in lots:
        taken = min(spent, lot.remaining)
        lot.remaining -= taken
        spent -= taken
    return lots
