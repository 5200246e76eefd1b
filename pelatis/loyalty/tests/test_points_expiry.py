"""Unspent points expire after the programme's months, the oldest first; what was spent came from them first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pelatis.customers.models import Customer

from ..fifo import Movement, lots_remaining
from ..jobs import job_points_expiry
from ..models import LedgerEntry
from ..queries import expiring_soon
from ..services.expiry import points_expire
from ..services.ledger import balance_check, points_redeem
from ..services.orders import months_after
from .helpers import balance, paid_order


def test_spent_points_come_from_the_oldest_lot_and_the_rest_expires(
    papadopoulos: Customer, agent: Any
) -> None:
    now = timezone.now()
    old = paid_order(papadopoulos, "Λ-1", "100.00", placed_at=now - dt.timedelta(days=700))
    paid_order(papadopoulos, "Λ-2", "50.00", placed_at=now - dt.timedelta(days=10))
    points_redeem(customer=papadopoulos, points=70, reason="Δείπνο", by=agent)
    expiry = months_after(old.placed_at, 24)

    expired = points_expire(now=expiry + dt.timedelta(minutes=1))

    assert expired == 30  # 100 earned long ago, 70 of them spent: 30 left to expire; the 50 stay
    entry = LedgerEntry.objects.get(kind="expire")
    assert entry.points == -30
    assert balance(papadopoulos) == 50
    assert balance_check(customer=papadopoulos).ok


def test_expiring_twice_expires_once(papadopoulos: Customer) -> None:
    now = timezone.now()
    old = paid_order(papadopoulos, "Λ-3", "20.00", placed_at=now - dt.timedelta(days=700))
    later = months_after(old.placed_at, 24) + dt.timedelta(days=1)

    assert points_expire(now=later) == 20
    assert points_expire(now=later) == 0
    assert LedgerEntry.objects.filter(kind="expire").count() == 1
    assert balance(papadopoulos) == 0


def test_points_fully_spent_do_not_expire(papadopoulos: Customer, agent: Any) -> None:
    now = timezone.now()
    old = paid_order(papadopoulos, "Λ-4", "20.00", placed_at=now - dt.timedelta(days=700))
    points_redeem(customer=papadopoulos, points=20, reason="Δώρο", by=agent)

    assert points_expire(now=months_after(old.placed_at, 24) + dt.timedelta(days=1)) == 0
    assert not LedgerEntry.objects.filter(kind="expire").exists()


def test_the_job_reports_in_one_line(papadopoulos: Customer) -> None:
    assert job_points_expiry() == "0 points expired"


def test_what_expires_within_thirty_days_is_announced(papadopoulos: Customer, agent: Any) -> None:
    now = timezone.now()
    soon = paid_order(papadopoulos, "Λ-5", "40.00", placed_at=now - dt.timedelta(days=720))
    paid_order(papadopoulos, "Λ-6", "60.00", placed_at=now - dt.timedelta(days=5))
    points_redeem(customer=papadopoulos, points=15, reason="Καφές", by=agent)

    expiring = expiring_soon(papadopoulos, now=now)

    assert expiring.points == 25
    assert expiring.on == months_after(soon.placed_at, 24).date()


def test_a_reversal_takes_from_its_own_order_not_the_oldest() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    lots = lots_remaining(
        [
            Movement(1, "earn", 100, 11, at, at + dt.timedelta(days=10)),
            Movement(2, "earn", 50, 12, at, at + dt.timedelta(days=20)),
            Movement(3, "reverse", -50, 12, at, None),
            Movement(4, "redeem", -30, None, at, None),
        ]
    )
    assert [(lot.entry_id, lot.remaining) for lot in lots] == [(1, 70), (2, 0)]
