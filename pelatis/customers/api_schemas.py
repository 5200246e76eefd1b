"""The REST API's request and response schemas for customers, contact points, addresses, orders,
subscriptions and interactions (the endpoints: api.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from pelatis.core.apischema import Id, In, Moment, PageParams, amount, one_of

from .models import Customer, Interaction, Order, Subscription

# Amounts fit the database's decimal columns (12 digits, 2 or 3 after the point).
Money = amount(10, 2)
Quantity = amount(9, 3)
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"})]
TagName = Annotated[str, Field(max_length=60)]


# ---------------------------------------------------------------- schemas


class ContactPointOut(Schema):
    id: int
    kind: str
    value: str
    label: str
    is_primary: bool


class AddressOut(Schema):
    id: int
    label: str
    line1: str
    line2: str
    city: str
    postcode: str
    region: str
    country: str
    is_primary: bool


class CustomerOut(Schema):
    id: int
    kind: str
    category: str
    display_name: str
    first_name: str
    last_name: str
    company_name: str
    company_id: int | None
    job_title: str
    title: str
    formal: bool
    language: str
    time_zone: str
    preferred_channel: str
    birthday: dt.date | None
    name_day_name: str
    vat_number: str
    external_ref: str | None
    notes: str
    tags: list[str]
    emails: list[str]
    phones: list[str]
    merged_into_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Customer) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_emails(obj: Customer) -> list[str]:
        return [p.value for p in obj.contact_points.all() if p.kind == "email"]

    @staticmethod
    def resolve_phones(obj: Customer) -> list[str]:
        return [p.value for p in obj.contact_points.all() if p.kind == "phone"]


class CustomerIn(In):
    kind: Literal["person", "company"] = "person"
    category: Literal["external", "internal"] = "external"
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    company_id: Id | None = None
    job_title: str = Field("", max_length=120)
    title: str = Field("", max_length=30)
    formal: bool = True
    language: str = Field("el", max_length=10, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
    time_zone: str = Field("Europe/Athens", max_length=50)
    preferred_channel: one_of(Customer.Channel.values) = "email"  # type: ignore[valid-type]  # a Literal of the model's choices, built at run time
    birthday: dt.date | None = None
    vat_number: str = Field("", max_length=40)
    external_ref: str | None = Field(None, max_length=64)
    notes: str = Field("", max_length=20_000)
    emails: list[Email] = Field([], max_length=20)
    phones: list[Annotated[str, Field(max_length=40)]] = Field([], max_length=20)
    tags: list[TagName] = Field([], max_length=50)


class CustomerPage(Schema):
    items: list[CustomerOut]
    limit: int
    offset: int
    has_more: bool
    count: int | None = Field(None, description="Total matches; omitted for ranked searches")


class MergeIn(In):
    merged_id: Id = Field(..., description="The duplicate to fold into this customer")


class MergeOut(Schema):
    survivor_id: int
    merged_id: int
    moved: dict[str, int]


class ContactPointIn(In):
    kind: Literal["email", "phone"]
    value: str = Field(..., max_length=254)
    label: str = Field("", max_length=30)
    is_primary: bool = False


class AddressIn(In):
    line1: str = Field(..., max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    postcode: str = Field("", max_length=20)
    region: str = Field("", max_length=100)
    country: str = Field("GR", pattern=r"^[A-Za-z]{2}$")
    label: str = Field("", max_length=30)
    is_primary: bool = False


class OrderLineSchema(Schema):
    sku: str = ""
    name: str
    category: str = ""
    quantity: Decimal = Decimal("1")
    unit_price: Decimal


class OrderLineIn(In):
    sku: str = Field("", max_length=64)
    name: str = Field(..., max_length=200)
    category: str = Field("", max_length=100)
    quantity: Quantity = Decimal("1")  # type: ignore[valid-type]  # a constrained Decimal, built at run time
    unit_price: Money  # type: ignore[valid-type]  # a constrained Decimal, built at run time


class OrderIn(In):
    customer_id: Id
    reference: str = Field(..., max_length=64)
    placed_at: Moment
    currency: str = Field("EUR", pattern=r"^[A-Za-z]{3}$")
    status: one_of(Order.Status.values) = "paid"  # type: ignore[valid-type]  # a Literal of the model's choices, built at run time
    channel: str = Field("", max_length=30)
    lines: list[OrderLineIn] = Field(..., max_length=500)


class OrderOut(Schema):
    id: int
    customer_id: int
    reference: str
    placed_at: dt.datetime
    currency: str
    status: str
    channel: str
    total: Decimal
    lines: list[OrderLineSchema]


class SubscriptionIn(In):
    customer_id: Id
    product: str = Field(..., max_length=200)
    started_on: dt.date
    renews_on: dt.date | None = None
    status: one_of(Subscription.Status.values) = "active"  # type: ignore[valid-type]  # a Literal of the model's choices, built at run time
    price: Money | None = None  # type: ignore[valid-type]  # a constrained Decimal, built at run time
    currency: str = Field("EUR", pattern=r"^[A-Za-z]{3}$")


class SubscriptionOut(Schema):
    id: int
    customer_id: int
    product: str
    started_on: dt.date
    renews_on: dt.date | None
    status: str
    price: Decimal | None
    currency: str


class InteractionIn(In):
    channel: one_of(Interaction.Channel.values)  # type: ignore[valid-type]  # a Literal of the model's choices, built at run time
    direction: one_of(Interaction.Direction.values)  # type: ignore[valid-type]  # a Literal of the model's choices, built at run time
    summary: str = Field(..., max_length=300)
    body: str = Field("", max_length=20_000)
    occurred_at: Moment | None = None


class InteractionOut(Schema):
    id: int
    customer_id: int
    channel: str
    direction: str
    summary: str
    body: str
    occurred_at: dt.datetime
    actor_id: int | None
    source_type: str
    source_id: str


class CustomerFilters(PageParams):
    q: str = Field(
        "",
        max_length=200,
        description="Search: name (Greek, accent-less or Greeklish), email, phone, VAT, order reference",
    )
    tag: str = Field("", max_length=60)
    category: Literal["", "external", "internal"] = ""
    kind: Literal["", "person", "company"] = ""


class OrderFilters(PageParams):
    customer_id: Id | None = None


class SubscriptionFilters(PageParams):
    customer_id: Id | None = None
    renews_before: dt.date | None = None
