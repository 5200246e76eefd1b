"""Orders earn points once they are paid, once only, and give them back when cancelled, refunded or deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pelatis.customers.models import Customer, Order

from ..models import LedgerEntry, LoyaltyProgramme
from ..services.ledger import balance_check, points_redeem
from ..services.orders import loyalty_orders_sync, months_after, points_for_order
from .helpers import balance, paid_order, status_set


def test_a_paid_order_earns_a_point_per_euro_floored(papadopoulos: Customer) -> None:
    order = paid_order(papadopoulos, "ΠΑΡ-1", "125.99")

    entry = LedgerEntry.objects.get(order_id=order.pk)
    assert (entry.kind, entry.points, entry.order_reference) == ("earn", 125, "ΠΑΡ-1")
    assert entry.expires_at == months_after(order.placed_at, 24)
    assert balance(papadopoulos) == 125


def test_category_multipliers_and_the_rate_apply_per_line(papadopoulos: Customer, agent: object) -> None:
    LoyaltyProgramme.objects.update_or_create(
        pk=1, defaults={"points_per_euro": Decimal("1.5"), "category_multipliers": {"σπα": 2}}
    )
    spa = paid_order(papadopoulos, "ΣΠΑ-1", "33.33", category="σπα", sync=False)
    room = paid_order(papadopoulos, "ΔΩΜ-1", "33.33", category="δωμάτια", sync=False)

    assert points_for_order(order=spa) == 99  # 33.33 × 1.5 × 2 = 99.99
    assert points_for_order(order=room) == 49  # 33.33 × 1.5 = 49.995
    loyalty_orders_sync(order_ids=[spa.pk, room.pk])
    assert balance(papadopoulos) == 148


def test_syncing_twice_earns_once(papadopoulos: Customer) -> None:
    order = paid_order(papadopoulos, "ΠΑΡ-2", "40.00")

    again = loyalty_orders_sync(order_ids=[order.pk, order.pk])

    assert again.earned == 0
    assert LedgerEntry.objects.filter(order_id=order.pk).count() == 1
    assert balance(papadopoulos) == 40


def test_the_first_earning_order_carries_the_bonus(papadopoulos: Customer) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"first_purchase_bonus": 50})
    first = paid_order(
        papadopoulos, "Α-1", "10.00", placed_at=timezone.now() - dt.timedelta(days=2), sync=False
    )
    second = paid_order(papadopoulos, "Α-2", "10.00", sync=False)

    loyalty_orders_sync(order_ids=[second.pk, first.pk])

    assert LedgerEntry.objects.get(order_id=first.pk).points == 60
    assert LedgerEntry.objects.get(order_id=second.pk).points == 10


def test_orders_not_paid_or_long_expired_earn_nothing(papadopoulos: Customer) -> None:
    placed = paid_order(papadopoulos, "Β-1", "10.00", sync=False)
    Order.objects.filter(pk=placed.pk).update(status=Order.Status.PLACED)
    old = paid_order(papadopoulos, "Β-2", "10.00", placed_at=timezone.now() - dt.timedelta(days=800))

    loyalty_orders_sync(order_ids=[placed.pk, old.pk])

    assert not LedgerEntry.objects.exists()


def test_a_refund_reverses_the_points_once(papadopoulos: Customer) -> None:
    order = paid_order(papadopoulos, "Γ-1", "80.00")

    status_set(order, Order.Status.REFUNDED)
    loyalty_orders_sync(order_ids=[order.pk])

    reverse = LedgerEntry.objects.get(order_id=order.pk, kind="reverse")
    assert reverse.points == -80
    assert reverse.reason == "The order was refunded."
    assert balance(papadopoulos) == 0
    assert balance_check(customer=papadopoulos).ok


def test_a_deleted_order_reverses_its_points(papadopoulos: Customer) -> None:
    order = paid_order(papadopoulos, "Γ-2", "20.00")
    order_id = order.pk
    order.delete()  # as an import's undo does

    loyalty_orders_sync(order_ids=[order_id])

    assert LedgerEntry.objects.get(order_id=order_id, kind="reverse").points == -20
    assert balance(papadopoulos) == 0


def test_a_reversal_never_takes_the_balance_below_zero(papadopoulos: Customer, agent: object) -> None:
    order = paid_order(papadopoulos, "Δ-1", "100.00")
    points_redeem(customer=papadopoulos, points=70, reason="Δωρεάν πρωινό", by=None)

    status_set(order, Order.Status.CANCELLED)

    reverse = LedgerEntry.objects.get(order_id=order.pk, kind="reverse")
    assert reverse.points == -30
    assert "70 points were already spent" in reverse.reason
    assert balance(papadopoulos) == 0
    check = balance_check(customer=papadopoulos)
    assert (check.cached, check.ledger) == (0, 0)


def test_an_inactive_programme_earns_nothing_but_still_reverses(papadopoulos: Customer) -> None:
    order = paid_order(papadopoulos, "Ε-1", "30.00")
    LoyaltyProgramme.objects.filter(pk=1).update(active=False)
    new = paid_order(papadopoulos, "Ε-2", "30.00")

    status_set(order, Order.Status.REFUNDED)

    assert not LedgerEntry.objects.filter(order_id=new.pk).exists()
    assert balance(papadopoulos) == 0
