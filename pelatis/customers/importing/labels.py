"""The words a person reads for each field an import touches: in the preview (the reader's
language) and on the timeline (the business's language), never the raw field keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise] = {
    "kind": _("Kind"),
    "category": _("Customer type"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "full_name": _("Full name"),
    "company_name": _("Company"),
    "company": _("Company"),
    "job_title": _("Job title / department"),
    "title": _("Form of address"),
    "formal": _("Formal address"),
    "language": _("Language"),
    "time_zone": _("Time zone"),
    "preferred_channel": _("Preferred channel"),
    "birthday": _("Birthday"),
    "vat_number": _("VAT number (ΑΦΜ)"),
    "vat": _("VAT number (ΑΦΜ)"),
    "external_ref": _("External reference"),
    "notes": _("Notes"),
    "emails": _("Email"),
    "email": _("Email"),
    "phones": _("Phone"),
    "phone": _("Phone"),
    "tags": _("Tags"),
    "address": _("Address"),
    "address2": _("Address line 2"),
    "addresses": _("Address"),
    "city": _("City"),
    "region": _("Region"),
    "postcode": _("Postcode"),
    "country": _("Country"),
    "consents": _("Marketing consent"),
    "email_consent": _("Email marketing consent"),
    "sms_consent": _("SMS marketing consent"),
    "consent_date": _("Consent date"),
    "unsubscribed": _("Unsubscribed from email"),
    "unsubscribed_at": _("Unsubscribed on"),
    # orders
    "reference": _("Order reference"),
    "customer_ref": _("Customer's external reference"),
    "customer": _("Customer"),
    "placed_at": _("Order date"),
    "sku": _("Product code"),
    "product": _("Product"),
    "quantity": _("Quantity"),
    "unit_price": _("Unit price"),
    "line_total": _("Line total"),
    "currency": _("Currency"),
    "status": _("Status"),
    "channel": _("Sales channel"),
    "total": _("Total"),
    "lines": _("Order lines"),
}


def field_label(name: str) -> str:
    """The field's name for people, in the active language."""
    label = FIELD_LABELS.get(name)
    return capfirst(str(label)) if label is not None else name


def field_labels_for_timeline(names: Iterable[str]) -> str:
    """ "Email, Τηλέφωνο": the fields, once each, in the business's language (the timeline is shared)."""
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(dict.fromkeys(field_label(n) for n in names))


def jsonable(value: Any) -> Any:
    """A stored value as JSON keeps it (dates as ISO text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def value_shown(value: Any) -> str:
    """A value before or after an import as a person reads it: "—" for none, yes or no for a flag."""
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value)
