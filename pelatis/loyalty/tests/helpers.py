"""Points given the way the programme gives them: through a paid order and the sync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pelatis.customers.inputs import OrderInput, OrderLineInput
from pelatis.customers.models import Customer, Order
from pelatis.customers.services import order_create

from ..services.orders import loyalty_orders_sync


def paid_order(
    customer: Customer,
    reference: str,
    amount: str,
    *,
    category: str = "",
    placed_at: dt.datetime | None = None,
    sync: bool = True,
) -> Order:
    """An order of one line at ``amount`` euro, told to loyalty as customers would after the commit."""
    order = order_create(
        customer=customer,
        data=OrderInput(
            reference=reference,
            placed_at=placed_at or timezone.now(),
            lines=[OrderLineInput(name="Σουίτα θέα θάλασσα", unit_price=Decimal(amount), category=category)],
        ),
    )
    if sync:
        loyalty_orders_sync(order_ids=[order.pk])
    return order


def status_set(order: Order, status: str) -> None:
    """An order's status changed, as an import update does (customers has no other path), then told to loyalty."""
    Order.objects.filter(pk=order.pk).update(status=status)
    loyalty_orders_sync(order_ids=[order.pk])


def balance(customer: Customer) -> Any:
    from ..queries import balance_of

    return balance_of(customer)
