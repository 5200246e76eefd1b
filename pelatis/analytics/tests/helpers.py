"""What the hand-computed metric tests share: moments in the business time zone, a pinned clock,
and customers with orders written through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from pelatis.analytics.metrics import Filters
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer, Order
from pelatis.customers.services import customer_create, order_create

JANUARY = Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
_seq = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in the business time zone, the one the period's days are counted in."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


@contextmanager
def clock(when: dt.datetime) -> Iterator[None]:
    """Services stamp their writes with ``timezone.now()``: pin it."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def customer(first_name: str = "Μαρία") -> Customer:
    n = next(_seq)
    return customer_create(
        data=CustomerInput(
            first_name=first_name, last_name=f"Πελάτισσα {n}", emails=[f"pelatis{n}@example.gr"]
        )
    )


def order(who: Customer, when: dt.datetime, total: str = "10.00", status: str = Order.Status.PAID) -> Order:
    return order_create(
        customer=who,
        data=OrderInput(
            reference=f"ORD-{next(_seq)}",
            placed_at=when,
            status=status,
            lines=[OrderLineInput(name="Προϊόν", unit_price=total)],
        ),
    )
