"""The customer behind an email address, for every channel that meets people we may not know yet.

Email ingestion and the public support form find a sender the same way (by
an email contact point of a customer who was not merged away) and create a
new customer the same way when nobody matches.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.services import customer_create


def customer_by_email(email: str) -> Customer | None:
    """The customer with this email contact point (the oldest, if several have it), or None."""
    value = (email or "").strip().lower()  # contact points store emails lower-cased
    if not value:
        return None
    point = (
        ContactPoint.objects.filter(
            kind=ContactPoint.Kind.EMAIL, value=value, customer__merged_into__isnull=True
        )
        .select_related("customer")
        .order_by("customer_id")
        .first()
    )
    return point.customer if point else None


def name_split(name: str, *, email: str = "") -> tuple[str, str]:
    """'Γιώργος Παπαδόπουλος' → ('Γιώργος', 'Παπαδόπουλος'); no usable name → the email's local part as last name."""
    text = " ".join((name or "").replace('"', " ").split())
    if not text or "@" in text:
        text = (email or "").split("@")[0]
    first, _sep, last = text.rpartition(" ")
    return first[:100], last[:100]


def customer_create_from_contact(
    *, email: str, name: str = "", language: str = "el", phone: str = "", time_zone: str = ""
) -> Customer:
    """A new customer from what a stranger gave us: a name, an email, maybe a phone (E.164 or as typed)."""
    first, last = name_split(name, email=email)
    data = CustomerInput(
        first_name=first,
        last_name=last,
        emails=[email],
        phones=[phone] if phone else [],
        language=language or "el",
    )
    if time_zone:
        data.time_zone = time_zone
    return customer_create(data=data)


def customer_zone(name: str) -> zoneinfo.ZoneInfo:
    """The customer's time zone by name; the business's own (settings.TIME_ZONE) when it is unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
