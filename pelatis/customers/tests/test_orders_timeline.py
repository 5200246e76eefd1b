from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pelatis.customers.inputs import OrderInput, OrderLineInput, SubscriptionInput
from pelatis.customers.models import Customer, Interaction, Order, OrderLine, Subscription
from pelatis.customers.queries import customer_360
from pelatis.customers.services import note_add, order_create, subscription_create, subscription_set_status


def test_order_total_lines_and_timeline_entry(papadopoulos: Customer) -> None:
    when = timezone.now() - dt.timedelta(days=3)
    order = order_create(
        customer=papadopoulos,
        data=OrderInput(
            reference="ORD-1001",
            placed_at=when,
            lines=[
                OrderLineInput(name="Ελαιόλαδο 1 λτ", unit_price="12.50", quantity=2, category="Παντοπωλείο"),
                OrderLineInput(name="Μέλι", unit_price=Decimal("9.80")),
            ],
        ),
    )
    assert order.total == Decimal("34.80")
    assert OrderLine.objects.filter(order=order).count() == 2
    entry = Interaction.objects.get(customer=papadopoulos, channel="order")
    assert entry.occurred_at == when
    assert "ORD-1001" in entry.summary


def test_bad_order_names_each_problem_and_writes_nothing(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError) as exc:
        order_create(
            customer=papadopoulos,
            data=OrderInput(
                reference="",
                placed_at=dt.datetime(2026, 1, 1),  # noqa: DTZ001 — the naive time is the point
                currency="euro",
                lines=[OrderLineInput(name="", unit_price="-1", quantity=0)],
            ),
        )
    errors = exc.value.message_dict
    assert {"reference", "currency", "placed_at", "lines"} <= set(errors)
    assert len(errors["lines"]) == 3
    assert Order.objects.count() == 0


def test_duplicate_order_reference_is_refused(papadopoulos: Customer, make_order: Any) -> None:
    make_order(papadopoulos, "ORD-5")
    with pytest.raises(ValidationError) as exc:
        make_order(papadopoulos, "ORD-5")
    assert "reference" in exc.value.message_dict
    assert Order.objects.count() == 1


def test_subscription_lifecycle(papadopoulos: Customer) -> None:
    sub = subscription_create(
        customer=papadopoulos,
        data=SubscriptionInput(
            product="Κάρτα μέλους Gold",
            started_on=dt.date(2026, 1, 1),
            renews_on=dt.date(2027, 1, 1),
            price=Decimal("49"),
        ),
    )
    subscription_set_status(subscription=sub, status="cancelled")
    assert Subscription.objects.get(pk=sub.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        subscription_create(
            customer=papadopoulos,
            data=SubscriptionInput(
                product="X", started_on=dt.date(2026, 1, 1), renews_on=dt.date(2025, 1, 1)
            ),
        )


def test_360_timeline_newest_first_in_fixed_queries(
    papadopoulos: Customer, make_order: Any, agent: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        make_order(papadopoulos, f"ORD-{i}", when=timezone.now() - dt.timedelta(days=10 - i))
    note = note_add(customer=papadopoulos, body="Τηλεφώνησε για την κράτηση\nθα ξανακαλέσει", by=agent)
    with django_assert_max_num_queries(12):
        view = customer_360(papadopoulos)
    assert view.timeline[0] == note
    assert note.summary == "Τηλεφώνησε για την κράτηση"
    times = [e.occurred_at for e in view.timeline]
    assert times == sorted(times, reverse=True)
    assert view.order_count == 5
    assert view.revenue == Decimal("50.00")


def test_empty_note_is_refused(papadopoulos: Customer, agent: Any) -> None:
    before = Interaction.objects.count()
    with pytest.raises(ValidationError):
        note_add(customer=papadopoulos, body="   ", by=agent)
    assert Interaction.objects.count() == before
