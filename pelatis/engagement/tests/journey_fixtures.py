"""Test data for journeys: customers through the real service, a template with a Greek and an English
version, a journey with its steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer, Order
from pelatis.customers.services import customer_create, order_create
from pelatis.engagement.models import Journey, JourneyStep, MessageTemplate, TemplateVersion


def person(first: str, last: str, email: str | None = None, **fields: Any) -> Customer:
    data = CustomerInput(first_name=first, last_name=last, emails=[email] if email else [], **fields)
    return customer_create(data=data)


def buy(customer: Customer, ref: str, at: dt.datetime, *lines: tuple[str, str, str]) -> Order:
    """An order of lines (sku, name, category) at 10 € each."""
    items = [OrderLineInput(sku=s, name=n, category=c, unit_price=Decimal("10")) for s, n, c in lines]
    return order_create(customer=customer, data=OrderInput(reference=ref, placed_at=at, lines=items))


def greeting_template(name: str = "Ευχές ονομαστικής εορτής", purpose: str = "marketing") -> MessageTemplate:
    template = MessageTemplate.objects.create(name=name, purpose=purpose, fallback_language="el")
    TemplateVersion.objects.create(
        template=template, language="el", subject="Χρόνια πολλά!", body="Χρόνια πολλά, {{ address }}!"
    )
    TemplateVersion.objects.create(
        template=template, language="en", subject="Happy name day!", body="Happy name day, {{ address }}!"
    )
    return template


def journey_with_steps(
    trigger: str, *delays: int, options: dict[str, Any] | None = None, **fields: Any
) -> Journey:
    journey = Journey.objects.create(
        name=f"{trigger} {Journey.objects.count() + 1}",
        trigger=trigger,
        options=options or {},
        active=True,
        **fields,
    )
    for position, delay in enumerate(delays or (0,), 1):
        template = greeting_template(name=f"{journey.name} step {position}")
        JourneyStep.objects.create(journey=journey, position=position, delay_days=delay, template=template)
    return journey
