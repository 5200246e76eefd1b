"""Typed inputs of the customer services, with validation that names the field."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Customer, Order, Subscription
from .normalise import email_normalise, phone_normalise, vat_normalise


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# Choice values, computed once: the enum's .values is rebuilt on every access
# and cleaned() runs for every row of an import.
_KINDS = frozenset(Customer.Kind.values)
_CATEGORIES = frozenset(Customer.Category.values)
_CHANNELS = frozenset(Customer.Channel.values)


def _language_ok(code: str) -> bool:
    return code in LANG_INFO or (len(code) == 2 and code.isalpha() and code.islower())


class Errors:
    """Collects field errors; ``raise_if_any`` raises one ValidationError with them all."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


@dataclass
class CustomerInput:
    kind: str = Customer.Kind.PERSON
    category: str = Customer.Category.EXTERNAL
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    company_id: int | None = None
    job_title: str = ""
    title: str = ""
    formal: bool = True
    language: str = "el"
    time_zone: str = "Europe/Athens"
    preferred_channel: str = Customer.Channel.EMAIL
    birthday: dt.date | None = None
    vat_number: str = ""
    external_ref: str | None = None
    notes: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def cleaned(self, *, region: str | None = None) -> CustomerInput:
        """A copy with every value in its stored form; raises ValidationError naming each bad field."""
        errors = Errors()
        out = CustomerInput(**{**self.__dict__, "emails": [], "phones": [], "tags": []})
        for name in ("first_name", "last_name", "company_name", "job_title", "title", "notes"):
            setattr(
                out,
                name,
                " ".join(str(getattr(self, name) or "").split())
                if name != "notes"
                else (self.notes or "").strip(),
            )
        if out.kind not in _KINDS:
            errors.add("kind", _("Choose person or company."))
        if out.category not in _CATEGORIES:
            errors.add("category", _("Choose external or internal."))
        if out.kind == Customer.Kind.COMPANY and not out.company_name:
            errors.add("company_name", _("A company needs a name."))
        if out.kind == Customer.Kind.PERSON and not (out.first_name or out.last_name or out.company_name):
            errors.add("last_name", _("Give at least a first or a last name."))
        for name, limit in (
            ("first_name", 100),
            ("last_name", 100),
            ("company_name", 200),
            ("title", 30),
            ("job_title", 120),
        ):
            if len(getattr(out, name)) > limit:
                errors.add(name, _("At most %(n)d characters.") % {"n": limit})
        out.language = (self.language or "el").strip().lower()
        if not _language_ok(out.language):
            errors.add(
                "language",
                _("“%(value)s” is not a language code such as el or en.") % {"value": self.language},
            )
        out.time_zone = (self.time_zone or "Europe/Athens").strip()
        if out.time_zone not in _time_zones():
            errors.add(
                "time_zone",
                _("“%(value)s” is not a time zone such as Europe/Athens.") % {"value": self.time_zone},
            )
        if out.preferred_channel not in _CHANNELS:
            errors.add(
                "preferred_channel", _("Unknown channel “%(value)s”.") % {"value": self.preferred_channel}
            )
        if out.birthday and out.birthday > timezone.localdate():
            errors.add("birthday", _("The birthday is in the future."))
        try:
            out.vat_number = vat_normalise(self.vat_number or "")
        except ValueError as exc:
            errors.add("vat_number", str(exc))
        ref = (self.external_ref or "").strip()
        out.external_ref = ref or None
        if ref and len(ref) > 64:
            errors.add("external_ref", _("At most %(n)d characters.") % {"n": 64})
        for raw in self.emails:
            if raw and raw.strip():
                try:
                    value = email_normalise(raw)
                except ValueError as exc:
                    errors.add("emails", str(exc))
                else:
                    if value not in out.emails:
                        out.emails.append(value)
        for raw in self.phones:
            if raw and raw.strip():
                try:
                    value = phone_normalise(raw, region)
                except ValueError as exc:
                    errors.add("phones", str(exc))
                else:
                    if value not in out.phones:
                        out.phones.append(value)
        out.tags = list(dict.fromkeys(t.strip()[:60] for t in self.tags if t and t.strip()))
        errors.raise_if_any()
        return out


@dataclass
class OrderLineInput:
    name: str
    unit_price: Decimal | str | float
    quantity: Decimal | str | float = Decimal("1")
    sku: str = ""
    category: str = ""


@dataclass
class OrderInput:
    reference: str
    placed_at: dt.datetime
    lines: list[OrderLineInput]
    currency: str = "EUR"
    status: str = Order.Status.PAID
    channel: str = ""

    def cleaned(self) -> OrderInput:
        errors = Errors()
        ref = (self.reference or "").strip()
        if not ref:
            errors.add("reference", _("An order needs a reference."))
        elif len(ref) > 64:
            errors.add("reference", _("At most %(n)d characters.") % {"n": 64})
        currency = (self.currency or "EUR").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            errors.add(
                "currency", _("“%(value)s” is not a three-letter currency code.") % {"value": self.currency}
            )
        if self.status not in Order.Status.values:
            errors.add("status", _("Unknown order status “%(value)s”.") % {"value": self.status})
        if self.placed_at is None or self.placed_at.tzinfo is None:
            errors.add("placed_at", _("The order date needs a time zone."))
        if not self.lines:
            errors.add("lines", _("An order needs at least one line."))
        lines = []
        for i, line in enumerate(self.lines, start=1):
            try:
                qty = Decimal(str(line.quantity))
                price = Decimal(str(line.unit_price))
            except InvalidOperation:
                errors.add("lines", _("Line %(n)d: quantity and price must be numbers.") % {"n": i})
                continue
            if not line.name or not line.name.strip():
                errors.add("lines", _("Line %(n)d: the product needs a name.") % {"n": i})
            if qty <= 0:
                errors.add("lines", _("Line %(n)d: the quantity must be more than zero.") % {"n": i})
            if price < 0:
                errors.add("lines", _("Line %(n)d: the price cannot be negative.") % {"n": i})
            lines.append(
                OrderLineInput(
                    name=(line.name or "").strip()[:200],
                    unit_price=price.quantize(Decimal("0.01")),
                    quantity=qty,
                    sku=(line.sku or "").strip()[:64],
                    category=(line.category or "").strip()[:100],
                )
            )
        errors.raise_if_any()
        return OrderInput(
            reference=ref,
            placed_at=self.placed_at,
            lines=lines,
            currency=currency,
            status=self.status,
            channel=(self.channel or "").strip()[:30],
        )


@dataclass
class SubscriptionInput:
    product: str
    started_on: dt.date
    renews_on: dt.date | None = None
    status: str = Subscription.Status.ACTIVE
    price: Decimal | None = None
    currency: str = "EUR"

    def cleaned(self) -> SubscriptionInput:
        errors = Errors()
        if not (self.product or "").strip():
            errors.add("product", _("A subscription needs a product."))
        if self.status not in Subscription.Status.values:
            errors.add("status", _("Unknown subscription status “%(value)s”.") % {"value": self.status})
        if self.renews_on and self.started_on and self.renews_on < self.started_on:
            errors.add("renews_on", _("The renewal date is before the start."))
        if self.price is not None and Decimal(str(self.price)) < 0:
            errors.add("price", _("The price cannot be negative."))
        errors.raise_if_any()
        return SubscriptionInput(
            product=self.product.strip()[:200],
            started_on=self.started_on,
            renews_on=self.renews_on,
            status=self.status,
            price=None if self.price is None else Decimal(str(self.price)),
            currency=(self.currency or "EUR").upper()[:3],
        )
