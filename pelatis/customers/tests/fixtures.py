from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create, order_create


@pytest.fixture
def make_customer(db: None) -> Any:
    def make(**fields: Any) -> Customer:
        return customer_create(data=CustomerInput(**fields))

    return make


@pytest.fixture
def papadopoulos(make_customer: Any) -> Customer:
    customer: Customer = make_customer(
        first_name="Γιώργος",
        last_name="Παπαδόπουλος",
        title="κ.",
        emails=["g.papadopoulos@example.gr"],
        phones=["697 123 4567"],
        vat_number="094259216",
        tags=["VIP"],
    )
    return customer


@pytest.fixture
def make_order(db: None) -> Any:
    def make(
        customer: Customer,
        reference: str,
        *,
        total: str = "10.00",
        when: dt.datetime | None = None,
        category: str = "general",
    ) -> Any:
        return order_create(
            customer=customer,
            data=OrderInput(
                reference=reference,
                placed_at=when or timezone.now(),
                lines=[OrderLineInput(name="Προϊόν", unit_price=total, category=category)],
            ),
        )

    return make
