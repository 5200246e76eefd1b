"""Customers, contact points, addresses, orders, subscriptions and interactions over REST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import Id, IdPath, In, Moment, PageParams, amount, errors, one_of

from . import queries
from .inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from .models import Address, ContactPoint, Customer, Interaction, Order, Subscription
from .normalise import email_normalise, phone_normalise
from .services.contact_points import address_add, contact_point_add, contact_point_remove
from .services.customers import customer_create, customer_update
from .services.merge import customer_merge
from .services.orders import order_create, subscription_create
from .services.timeline import interaction_record

router = Router(tags=["customers"])

# Amounts fit the database's decimal columns (12 digits, 2 or 3 after the point).
Money = amount(10, 2)
Quantity = amount(9, 3)
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"})]
TagName = Annotated[str, Field(max_length=60)]


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _referenced_customer(
    request: HttpRequest, customer_id: int, field: str, *, write: bool = True
) -> Customer:
    """A customer named in a request body: a missing one is a 422 naming the field, checked before any write."""
    try:
        return queries.customer_for(request.user, customer_id, write=write)
    except Http404:
        raise ValidationError({field: [_("No customer with id %(id)s.") % {"id": customer_id}]}) from None


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
    preferred_channel: one_of(Customer.Channel.values) = "email"  # type: ignore[valid-type]
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
    quantity: Quantity = Decimal("1")  # type: ignore[valid-type]
    unit_price: Money  # type: ignore[valid-type]


class OrderIn(In):
    customer_id: Id
    reference: str = Field(..., max_length=64)
    placed_at: Moment
    currency: str = Field("EUR", pattern=r"^[A-Za-z]{3}$")
    status: one_of(Order.Status.values) = "paid"  # type: ignore[valid-type]
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
    status: one_of(Subscription.Status.values) = "active"  # type: ignore[valid-type]
    price: Money | None = None  # type: ignore[valid-type]
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
    channel: one_of(Interaction.Channel.values)  # type: ignore[valid-type]
    direction: one_of(Interaction.Direction.values)  # type: ignore[valid-type]
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


def _customer_input(payload: CustomerIn) -> CustomerInput:
    return CustomerInput(**payload.dict())


# ---------------------------------------------------------------- customers


@router.get("/customers", response={200: CustomerPage, **errors()}, summary="List or search customers")
def customers_list(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, object]:
    _require(request, "customers.view_customer")
    if filters.q.strip():
        page = queries.customer_search(filters.q, limit=filters.limit, offset=filters.offset)
        items = [
            c
            for c in page.customers
            if (not filters.category or c.category == filters.category)
            and (not filters.kind or c.kind == filters.kind)
            and (not filters.tag or any(t.name == filters.tag for t in c.tags.all()))
        ]
        return {
            "items": items,
            "limit": filters.limit,
            "offset": filters.offset,
            "has_more": page.has_more,
            "count": None,
        }
    qs = queries.customer_list()
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count = qs.count()
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "items": items,
        "limit": filters.limit,
        "offset": filters.offset,
        "has_more": filters.offset + len(items) < count,
        "count": count,
    }


@router.post("/customers", response={201: CustomerOut, **errors(400)}, summary="Create a customer")
def customers_create(request: HttpRequest, payload: CustomerIn) -> Status:
    _require(request, "customers.add_customer")
    customer = customer_create(data=_customer_input(payload), by=request.user)
    return Status(201, queries.customer_list().get(pk=customer.pk))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **errors(404)}, summary="One customer")
def customers_get(request: HttpRequest, customer_id: IdPath) -> Customer:
    queries.customer_for(request.user, customer_id)
    return Customer.objects.prefetch_related("contact_points", "tags").get(pk=customer_id)


@router.put(
    "/customers/{customer_id}",
    response={200: CustomerOut, **errors(400, 404)},
    summary="Replace a customer's profile",
)
def customers_update(request: HttpRequest, customer_id: IdPath, payload: CustomerIn) -> Customer:
    customer = queries.customer_for(request.user, customer_id, write=True)
    data = _customer_input(payload)
    if not request.user.has_perm("customers.delete_contactpoint"):
        # The emails and phones are replaced: one left out would be removed, a manager's call.
        clean = data.cleaned()
        kept = {("email", v) for v in clean.emails} | {("phone", v) for v in clean.phones}
        if any((p.kind, p.value) not in kept for p in customer.contact_points.all()):
            raise PermissionDenied
    customer_update(customer=customer, data=data, by=request.user)
    return queries.customer_list().get(pk=customer_id)


@router.get(
    "/customers/{customer_id}/duplicates",
    response={200: list[CustomerOut], **errors(404)},
    summary="Likely duplicates",
)
def customers_duplicates(request: HttpRequest, customer_id: IdPath) -> list[Customer]:
    return queries.duplicates_of(queries.customer_for(request.user, customer_id))


@router.post(
    "/customers/{customer_id}/merge",
    response={200: MergeOut, **errors(400, 404)},
    summary="Merge a duplicate into this customer",
)
def customers_merge(request: HttpRequest, customer_id: IdPath, payload: MergeIn) -> dict[str, object]:
    _require(request, "customers.merge_customer")
    survivor = queries.customer_for(request.user, customer_id, write=True)
    merged = _referenced_customer(request, payload.merged_id, "merged_id")
    record = customer_merge(survivor=survivor, merged=merged, by=request.user)
    return {"survivor_id": survivor.pk, "merged_id": merged.pk, "moved": record.moved}


# ---------------------------------------------------------------- contact points and addresses


@router.get(
    "/customers/{customer_id}/contact-points",
    response={200: list[ContactPointOut], **errors(404)},
    tags=["contact points"],
)
def contact_points_list(request: HttpRequest, customer_id: IdPath) -> list[ContactPoint]:
    return list(queries.customer_for(request.user, customer_id).contact_points.all())


@router.post(
    "/customers/{customer_id}/contact-points",
    response={201: ContactPointOut, **errors(400, 404)},
    tags=["contact points"],
)
def contact_points_add(request: HttpRequest, customer_id: IdPath, payload: ContactPointIn) -> Status:
    customer = queries.customer_for(request.user, customer_id, write=True)
    try:
        value = email_normalise(payload.value) if payload.kind == "email" else phone_normalise(payload.value)
    except ValueError as exc:
        raise ValidationError({"value": [str(exc)]}) from exc
    point = contact_point_add(
        customer=customer,
        kind=payload.kind,
        value=value,
        label=payload.label,
        is_primary=payload.is_primary,
        by=request.user,
    )
    return Status(201, point)


@router.delete("/contact-points/{point_id}", response={204: None, **errors(404)}, tags=["contact points"])
def contact_points_remove(request: HttpRequest, point_id: IdPath) -> Status:
    # As in the UI: agents add and edit contact points, only managers and admins remove them.
    _require(request, "customers.delete_contactpoint")
    point = get_object_or_404(ContactPoint, pk=point_id)
    queries.customer_for(request.user, point.customer_id, write=True)
    contact_point_remove(point=point, by=request.user)
    return Status(204, None)


@router.get(
    "/customers/{customer_id}/addresses",
    response={200: list[AddressOut], **errors(404)},
    tags=["contact points"],
)
def addresses_list(request: HttpRequest, customer_id: IdPath) -> list[Address]:
    return list(queries.customer_for(request.user, customer_id).addresses.all())


@router.post(
    "/customers/{customer_id}/addresses",
    response={201: AddressOut, **errors(400, 404)},
    tags=["contact points"],
)
def addresses_add(request: HttpRequest, customer_id: IdPath, payload: AddressIn) -> Status:
    customer = queries.customer_for(request.user, customer_id, write=True)
    return Status(201, address_add(customer=customer, **payload.dict()))


# ---------------------------------------------------------------- orders


@router.get(
    "/orders", response={200: list[OrderOut], **errors()}, tags=["orders"], summary="Orders, newest first"
)
def orders_list(request: HttpRequest, page: Query[OrderFilters]) -> list[Order]:
    _require(request, "customers.view_order")
    qs = Order.objects.prefetch_related("lines")
    if page.customer_id is not None:
        qs = qs.filter(customer_id=page.customer_id)
    return list(qs[page.offset : page.offset + page.limit])


@router.post("/orders", response={201: OrderOut, **errors(400)}, tags=["orders"])
def orders_create(request: HttpRequest, payload: OrderIn) -> Status:
    _require(request, "customers.add_order")
    customer = _referenced_customer(request, payload.customer_id, "customer_id")
    data = OrderInput(
        reference=payload.reference,
        placed_at=payload.placed_at,
        currency=payload.currency,
        status=payload.status,
        channel=payload.channel,
        lines=[OrderLineInput(**line.dict()) for line in payload.lines],
    )
    order = order_create(customer=customer, data=data, by=request.user)
    return Status(201, Order.objects.prefetch_related("lines").get(pk=order.pk))


@router.get("/orders/{order_id}", response={200: OrderOut, **errors(404)}, tags=["orders"])
def orders_get(request: HttpRequest, order_id: IdPath) -> Order:
    _require(request, "customers.view_order")
    return get_object_or_404(Order.objects.prefetch_related("lines"), pk=order_id)


# ---------------------------------------------------------------- subscriptions


@router.get("/subscriptions", response={200: list[SubscriptionOut], **errors()}, tags=["subscriptions"])
def subscriptions_list(request: HttpRequest, page: Query[SubscriptionFilters]) -> list[Subscription]:
    _require(request, "customers.view_subscription")
    qs = Subscription.objects.all()
    if page.customer_id is not None:
        qs = qs.filter(customer_id=page.customer_id)
    if page.renews_before is not None:
        qs = qs.filter(renews_on__lt=page.renews_before)
    return list(qs[page.offset : page.offset + page.limit])


@router.post("/subscriptions", response={201: SubscriptionOut, **errors(400)}, tags=["subscriptions"])
def subscriptions_create(request: HttpRequest, payload: SubscriptionIn) -> Status:
    _require(request, "customers.add_subscription")
    customer = _referenced_customer(request, payload.customer_id, "customer_id")
    data = SubscriptionInput(**payload.dict(exclude={"customer_id"}))
    return Status(201, subscription_create(customer=customer, data=data, by=request.user))


# ---------------------------------------------------------------- interactions


@router.get(
    "/customers/{customer_id}/interactions",
    response={200: list[InteractionOut], **errors(404)},
    tags=["interactions"],
    summary="The customer's timeline, newest first",
)
def interactions_list(
    request: HttpRequest, customer_id: IdPath, page: Query[PageParams]
) -> list[Interaction]:
    customer = queries.customer_for(request.user, customer_id)
    return list(Interaction.objects.filter(customer=customer)[page.offset : page.offset + page.limit])


@router.post(
    "/customers/{customer_id}/interactions",
    response={201: InteractionOut, **errors(400, 404)},
    tags=["interactions"],
)
def interactions_add(request: HttpRequest, customer_id: IdPath, payload: InteractionIn) -> Status:
    _require(request, "customers.add_interaction")
    customer = queries.customer_for(request.user, customer_id)
    return Status(201, interaction_record(customer=customer, actor=request.user, **payload.dict()))
