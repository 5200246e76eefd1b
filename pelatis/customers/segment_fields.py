"""What segments can ask about a customer's profile, purchases and subscriptions (``SEGMENT_FIELDS``).

Orders count as sales unless cancelled or refunded (as in the analytics); "bought" fields can be limited
to the last N days (``within_days`` on the rule).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pelatis.core.segmentfields import (
    SegmentField,
    absent,
    aggregate,
    column,
    column_date,
    column_days_ago,
    related,
    related_days_ago,
    tag_set,
)
from pelatis.core.segmentfields.builders import count_of

from .form_choices import country_choices, language_choices, ui_language
from .locale_values import country_name, language_name
from .models import Address, ContactPoint, Customer, Order, OrderLine, Subscription, Tag

CHOICES_SHOWN = 500  # data-driven lists offer the most common values; a rule may still name any
CHOICES_SECONDS = 300
CUSTOMER = _("Customer")
PURCHASES = _("Purchases")
SUBSCRIPTIONS = _("Subscriptions")


def sold_orders() -> QuerySet[Order]:
    return Order.objects.exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])


def sold_lines() -> QuerySet[OrderLine]:
    return OrderLine.objects.exclude(order__status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])


def _active_subscriptions() -> QuerySet[Subscription]:
    return Subscription.objects.filter(status=Subscription.Status.ACTIVE)


def _common(queryset: QuerySet[Any], name: str) -> list[str]:
    """The values of ``name`` most rows have, most common first; kept a few minutes in the shared cache,
    as counting them reads a whole table (the editor asks on every redraw)."""

    def read() -> list[str]:
        rows = queryset.exclude(**{name: ""}).values(name).annotate(n=Count("pk")).order_by("-n", name)
        return [row[name] for row in rows[:CHOICES_SHOWN]]

    key = f"segment-choices:{queryset.model._meta.label_lower}:{name}"
    found = cache.get_or_set(key, read, CHOICES_SECONDS)
    return list(found or [])


def _languages() -> list[tuple[str, str]]:
    known = dict(language_choices(ui_language()))
    used = _common(Customer.objects.filter(merged_into__isnull=True), "language")
    return [(code, known.get(code) or language_name(code)) for code in dict.fromkeys([*used, *known])]


def _cities() -> list[tuple[str, str]]:
    return [(city, city) for city in sorted(_common(Address.objects.all(), "city"))]


def _countries() -> list[tuple[str, str]]:
    used = _common(Address.objects.all(), "country")
    listed = [code for code, _name in country_choices(ui_language())]
    return [(code, country_name(code)) for code in dict.fromkeys([*used, *listed])]


def _tags() -> list[tuple[str, str]]:
    return [(name, name) for name in Tag.objects.order_by("name").values_list("name", flat=True)]


def _categories() -> list[tuple[str, str]]:
    return [(c, c) for c in sorted(_common(OrderLine.objects.all(), "category"))]


def _products() -> list[tuple[str, str]]:
    return [(p, p) for p in sorted(_common(Subscription.objects.all(), "product"))]


def _months() -> list[tuple[str, str]]:
    return [(str(m), date_format(dt.date(2000, m, 1), "F")) for m in range(1, 13)]


def _has_contact(kind: str) -> Any:
    def build(op: str, value: Any, within: int | None) -> Q:
        points = ContactPoint.objects.filter(kind=kind)
        if value:
            return Q(pk__in=points.values("customer"))
        return absent(points.filter(customer=OuterRef("pk")))

    return build


def _choices(pairs: Any) -> Any:
    return lambda: [(str(code), str(label)) for code, label in pairs]


SEGMENT_FIELDS: dict[str, SegmentField] = {
    "customer.language": SegmentField(
        label=_("Language"), kind="choice", group=CUSTOMER, build=column("language"), choices=_languages
    ),
    "customer.city": SegmentField(
        label=_("City"),
        kind="choice",
        group=CUSTOMER,
        build=related(Address.objects.all, "city"),
        choices=_cities,
        help_text=_("Any of the customer's addresses."),
    ),
    "customer.country": SegmentField(
        label=_("Country"),
        kind="choice",
        group=CUSTOMER,
        build=related(Address.objects.all, "country"),
        choices=_countries,
    ),
    "customer.tags": SegmentField(
        label=_("Tags"),
        kind="tags",
        group=CUSTOMER,
        build=tag_set(Customer.tags.through.objects.all),
        choices=_tags,
    ),
    "customer.kind": SegmentField(
        label=_("Person or company"),
        kind="choice",
        group=CUSTOMER,
        build=column("kind"),
        choices=_choices(Customer.Kind.choices),
        strict_choices=True,
    ),
    "customer.category": SegmentField(
        label=_("Customer type"),
        kind="choice",
        group=CUSTOMER,
        build=column("category"),
        choices=_choices(Customer.Category.choices),
        strict_choices=True,
        help_text=_("Internal customers (departments) are left out unless a rule asks for them."),
    ),
    "customer.preferred_channel": SegmentField(
        label=_("Preferred channel"),
        kind="choice",
        group=CUSTOMER,
        build=column("preferred_channel"),
        choices=_choices(Customer.Channel.choices),
        strict_choices=True,
    ),
    "customer.created": SegmentField(
        label=_("Customer since"),
        kind="date",
        group=CUSTOMER,
        build=column_date("created_at", moment=True),
        operators=("before", "after", "eq", "between"),
    ),
    "customer.created_days_ago": SegmentField(
        label=_("Became a customer"),
        kind="days_ago",
        group=CUSTOMER,
        build=column_days_ago("created_at"),
        operators=("lt", "gt"),
    ),
    "customer.birthday_month": SegmentField(
        label=_("Birthday month"),
        kind="choice",
        group=CUSTOMER,
        build=column("birthday__month"),
        choices=_months,
        strict_choices=True,
    ),
    "customer.has_email": SegmentField(
        label=_("Has an email address"), kind="boolean", group=CUSTOMER, build=_has_contact("email")
    ),
    "customer.has_phone": SegmentField(
        label=_("Has a phone number"), kind="boolean", group=CUSTOMER, build=_has_contact("phone")
    ),
    "orders.category": SegmentField(
        label=_("Bought from category"),
        kind="choice",
        group=PURCHASES,
        build=related(sold_lines, "category", customer="order__customer", when="order__placed_at"),
        choices=_categories,
        windowed=True,
    ),
    "orders.product": SegmentField(
        label=_("Bought product"),
        kind="text",
        group=PURCHASES,
        build=related(sold_lines, "name", customer="order__customer", when="order__placed_at"),
        operators=("eq", "contains", "startswith"),
        windowed=True,
    ),
    "orders.last_purchase": SegmentField(
        label=_("Last purchase"),
        kind="days_ago",
        group=PURCHASES,
        build=related_days_ago(sold_orders, "placed_at"),
    ),
    "orders.count": SegmentField(
        label=_("Number of orders"),
        kind="number",
        group=PURCHASES,
        build=count_of(sold_orders, when="placed_at"),
        windowed=True,
    ),
    "orders.spend": SegmentField(
        label=_("Total spend"),
        kind="money",
        group=PURCHASES,
        build=aggregate(sold_orders, Sum("total"), when="placed_at"),
        windowed=True,
    ),
    "subscriptions.active": SegmentField(
        label=_("Has an active subscription"),
        kind="boolean",
        group=SUBSCRIPTIONS,
        build=lambda op, value, within: (
            Q(pk__in=_active_subscriptions().values("customer"))
            if value
            else absent(_active_subscriptions().filter(customer=OuterRef("pk")))
        ),
    ),
    "subscriptions.product": SegmentField(
        label=_("Active subscription to"),
        kind="choice",
        group=SUBSCRIPTIONS,
        build=related(_active_subscriptions, "product"),
        choices=_products,
    ),
}
