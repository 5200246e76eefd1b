"""Customers, contact points, addresses, orders, subscriptions and interactions over REST."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from pelatis.core.apischema import IdPath, PageParams, errors
from pelatis.core.audit import Action, audit_record
from pelatis.core.http import request_user

from . import queries
from .api_schemas import (
    AddressIn,
    AddressOut,
    ContactPointIn,
    ContactPointOut,
    CustomerFilters,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    InteractionIn,
    InteractionOut,
    MergeIn,
    MergeOut,
    OrderFilters,
    OrderIn,
    OrderOut,
    SubscriptionFilters,
    SubscriptionIn,
    SubscriptionOut,
)
from .inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from .models import Address, ContactPoint, Customer, Interaction, Order, Subscription
from .normalise import email_normalise, phone_normalise
from .services.audit import customer_view_record
from .services.contact_points import address_add, contact_point_add, contact_point_remove
from .services.customers import customer_create, customer_update
from .services.merge import customer_merge
from .services.orders import order_create, subscription_create
from .services.timeline import interaction_record

router = Router(tags=["customers"])


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


def _customer_input(payload: CustomerIn) -> CustomerInput:
    return CustomerInput(**payload.dict())


def _read(request: HttpRequest, customer: Customer) -> Customer:
    """A read of one customer's personal data, for the audit trail (once per user and 10 minutes)."""
    customer_view_record(request=request, customer_id=customer.pk, detail="API")
    return customer


def _wrote(request: HttpRequest, customer_id: int, field: str) -> None:
    """A write the customers services do not audit themselves (addresses added, orders, subscriptions,
    the timeline)."""
    audit_record(Action.CHANGE, request=request, customer_id=customer_id, fields=[field], detail="API")


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
def customers_create(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    _require(request, "customers.add_customer")
    customer = customer_create(data=_customer_input(payload), by=request_user(request), request=request)
    return Status(201, queries.customer_list().get(pk=customer.pk))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **errors(404)}, summary="One customer")
def customers_get(request: HttpRequest, customer_id: IdPath) -> Customer:
    _read(request, queries.customer_for(request.user, customer_id))
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
    customer_update(customer=customer, data=data, by=request_user(request), request=request)
    return queries.customer_list().get(pk=customer_id)


@router.get(
    "/customers/{customer_id}/duplicates",
    response={200: list[CustomerOut], **errors(404)},
    summary="Likely duplicates",
)
def customers_duplicates(request: HttpRequest, customer_id: IdPath) -> list[Customer]:
    return queries.duplicates_of(_read(request, queries.customer_for(request.user, customer_id)))


@router.post(
    "/customers/{customer_id}/merge",
    response={200: MergeOut, **errors(400, 404)},
    summary="Merge a duplicate into this customer",
)
def customers_merge(request: HttpRequest, customer_id: IdPath, payload: MergeIn) -> dict[str, object]:
    _require(request, "customers.merge_customer")
    survivor = queries.customer_for(request.user, customer_id, write=True)
    merged = _referenced_customer(request, payload.merged_id, "merged_id")
    record = customer_merge(survivor=survivor, merged=merged, by=request_user(request), request=request)
    return {"survivor_id": survivor.pk, "merged_id": merged.pk, "moved": record.moved}


# ---------------------------------------------------------------- contact points and addresses


@router.get(
    "/customers/{customer_id}/contact-points",
    response={200: list[ContactPointOut], **errors(404)},
    tags=["contact points"],
)
def contact_points_list(request: HttpRequest, customer_id: IdPath) -> list[ContactPoint]:
    return list(_read(request, queries.customer_for(request.user, customer_id)).contact_points.all())


@router.post(
    "/customers/{customer_id}/contact-points",
    response={201: ContactPointOut, **errors(400, 404)},
    tags=["contact points"],
)
def contact_points_add(
    request: HttpRequest, customer_id: IdPath, payload: ContactPointIn
) -> Status[ContactPoint]:
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
        by=request_user(request),
        request=request,
    )
    return Status(201, point)


@router.delete("/contact-points/{point_id}", response={204: None, **errors(404)}, tags=["contact points"])
def contact_points_remove(request: HttpRequest, point_id: IdPath) -> Status[None]:
    # As in the UI: agents add and edit contact points, only managers and admins remove them.
    _require(request, "customers.delete_contactpoint")
    point = get_object_or_404(ContactPoint, pk=point_id)
    queries.customer_for(request.user, point.customer_id, write=True)
    contact_point_remove(point=point, by=request_user(request), request=request)
    return Status(204, None)


@router.get(
    "/customers/{customer_id}/addresses",
    response={200: list[AddressOut], **errors(404)},
    tags=["contact points"],
)
def addresses_list(request: HttpRequest, customer_id: IdPath) -> list[Address]:
    return list(_read(request, queries.customer_for(request.user, customer_id)).addresses.all())


@router.post(
    "/customers/{customer_id}/addresses",
    response={201: AddressOut, **errors(400, 404)},
    tags=["contact points"],
)
def addresses_add(request: HttpRequest, customer_id: IdPath, payload: AddressIn) -> Status[Address]:
    customer = queries.customer_for(request.user, customer_id, write=True)
    address = address_add(customer=customer, **payload.dict())
    _wrote(request, customer.pk, "address")
    return Status(201, address)


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
def orders_create(request: HttpRequest, payload: OrderIn) -> Status[Order]:
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
    order = order_create(customer=customer, data=data, by=request_user(request))
    _wrote(request, customer.pk, "orders")
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
def subscriptions_create(request: HttpRequest, payload: SubscriptionIn) -> Status[Subscription]:
    _require(request, "customers.add_subscription")
    customer = _referenced_customer(request, payload.customer_id, "customer_id")
    data = SubscriptionInput(**payload.dict(exclude={"customer_id"}))
    subscription = subscription_create(customer=customer, data=data, by=request_user(request))
    _wrote(request, customer.pk, "subscriptions")
    return Status(201, subscription)


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
    customer = _read(request, queries.customer_for(request.user, customer_id))
    return list(Interaction.objects.filter(customer=customer)[page.offset : page.offset + page.limit])


@router.post(
    "/customers/{customer_id}/interactions",
    response={201: InteractionOut, **errors(400, 404)},
    tags=["interactions"],
)
def interactions_add(
    request: HttpRequest, customer_id: IdPath, payload: InteractionIn
) -> Status[Interaction]:
    _require(request, "customers.add_interaction")
    customer = queries.customer_for(request.user, customer_id)
    customer.refuse_if_erased()  # staff text about an erased person would identify them again
    interaction = interaction_record(customer=customer, actor=request_user(request), **payload.dict())
    _wrote(request, customer.pk, "interactions")
    return Status(201, interaction)
