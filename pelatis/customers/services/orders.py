"""Orders with their lines, and subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis import lang
from pelatis.core.formatting import format_money
from pelatis.core.hooks import contributions

from ..inputs import OrderInput, SubscriptionInput
from ..models import Customer, Interaction, Order, OrderLine, SearchTerm, Subscription
from .timeline import interaction_record, timeline_text


class _PendingOrders:
    """The orders a transaction changed, told to the following apps once, when it commits."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.told = False

    def tell(self) -> None:
        self.told = True
        ids = sorted(self.ids)
        for follow in contributions("CUSTOMER_ORDERS_CHANGED"):
            follow(ids)


def orders_changed_notify(order_ids: Iterable[int]) -> None:
    """Tell the apps that follow orders (their CUSTOMER_ORDERS_CHANGED hooks) which orders were created,
    changed or deleted, once the writing transaction commits; a rollback tells them nothing.

    A transaction that writes many orders one at a time (the demo, a form saving several) tells them
    once, with every id: the ids gather on the commit callback registered first. A callback that a
    rolled-back savepoint dropped is not reused; ids gathered in a savepoint rolled back later are still
    told, which the followers' idempotent reads of the orders as they are make harmless.
    """
    ids = set(order_ids)
    if not ids:
        return
    connection = transaction.get_connection()
    pending: _PendingOrders | None = getattr(connection, "pelatis_pending_orders", None)
    registered = pending is not None and any(
        func == pending.tell for _sids, func, _robust in connection.run_on_commit
    )
    if pending is not None and registered and not pending.told:
        pending.ids |= ids
        return
    pending = _PendingOrders()
    pending.ids |= ids
    connection.pelatis_pending_orders = pending  # our own mark on the connection
    transaction.on_commit(pending.tell)


@transaction.atomic
def order_create(*, customer: Customer, data: OrderInput, by: User | None = None) -> Order:
    """Record an order with its lines; the reference must be new."""
    clean = data.cleaned()
    if Order.objects.filter(reference=clean.reference).exists():
        raise ValidationError(
            {"reference": [_("An order with reference “%(ref)s” already exists.") % {"ref": clean.reference}]}
        )
    total = sum(
        (Decimal(str(line.quantity)) * Decimal(str(line.unit_price)) for line in clean.lines), Decimal("0")
    )
    order = Order.objects.create(
        customer=customer,
        reference=clean.reference,
        placed_at=clean.placed_at,
        currency=clean.currency,
        status=clean.status,
        channel=clean.channel,
        total=total.quantize(Decimal("0.01")),
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                name=line.name,
                sku=line.sku,
                category=line.category,
                quantity=Decimal(str(line.quantity)),
                unit_price=Decimal(str(line.unit_price)),
            )
            for line in clean.lines
        ]
    )
    interaction_record(
        customer=customer,
        channel=Interaction.Channel.ORDER,
        direction=Interaction.Direction.INBOUND,
        summary=timeline_text(
            gettext_noop("Order %(ref)s: %(total)s"),
            ref=order.reference,
            total=_money(order.total, order.currency),
        ),
        occurred_at=order.placed_at,
        actor=by,
        source_type="customers.order",
        source_id=str(order.pk),
    )
    SearchTerm.objects.create(customer=customer, term=f"o:{lang.fold(order.reference)}"[:120])
    orders_changed_notify([order.pk])
    return order


@transaction.atomic
def subscription_create(
    *, customer: Customer, data: SubscriptionInput, by: User | None = None
) -> Subscription:
    """Start a subscription."""
    clean = data.cleaned()
    sub = Subscription.objects.create(
        customer=customer,
        product=clean.product,
        started_on=clean.started_on,
        renews_on=clean.renews_on,
        status=clean.status,
        price=clean.price,
        currency=clean.currency,
    )
    interaction_record(
        customer=customer,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(gettext_noop("Subscription started: %(product)s"), product=sub.product),
        actor=by,
        source_type="customers.subscription",
        source_id=str(sub.pk),
    )
    return sub


@transaction.atomic
def subscription_set_status(
    *, subscription: Subscription, status: str, by: User | None = None
) -> Subscription:
    """Pause, cancel, expire or reactivate a subscription."""
    if status not in Subscription.Status.values:
        raise ValidationError({"status": [_("Unknown subscription status “%(value)s”.") % {"value": status}]})
    Subscription.objects.filter(pk=subscription.pk).update(status=status)
    subscription.status = status
    interaction_record(
        customer=subscription.customer,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(
            gettext_noop("Subscription %(product)s: %(status)s"),
            product=subscription.product,
            status=_status_label(status),
        ),
        actor=by,
        source_type="customers.subscription",
        source_id=str(subscription.pk),
    )
    return subscription


def _money(amount: Decimal, currency: str) -> str:
    """The amount with its currency as the business's language writes it ("65,50 €")."""
    return format_money(amount, currency, settings.LANGUAGE_CODE)


def _status_label(status: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(Subscription.Status(status).label)
