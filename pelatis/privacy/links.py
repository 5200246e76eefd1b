"""The customer's own links: a signed preferences page and the one-click unsubscribe (RFC 8058)
that every marketing email carries in its List-Unsubscribe header."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pelatis.customers.models import Customer

PREFERENCES_SALT = "pelatis.privacy.preferences"
UNSUBSCRIBE_SALT = "pelatis.privacy.unsubscribe"
# An old email's links still work for over a year.
LINK_MAX_AGE = 60 * 60 * 24 * 400


def _token(customer: Customer, salt: str) -> str:
    return signing.dumps({"c": customer.pk}, salt=salt, compress=True)


def customer_from_token(token: str, *, salt: str) -> Customer:
    """The customer a link stands for; raises signing.BadSignature (incl. expiry), KeyError, ValueError
    or Customer.DoesNotExist."""
    data = signing.loads(token, salt=salt, max_age=LINK_MAX_AGE)
    customer = Customer.objects.get(pk=int(data["c"]))
    for _hop in range(10):  # a merged customer's old links speak for the customer kept
        if customer.erased_at is not None:  # an erased customer's old links open nothing
            raise Customer.DoesNotExist
        if customer.merged_into_id is None:
            return customer
        customer = Customer.objects.get(pk=customer.merged_into_id)
    raise Customer.DoesNotExist


def preferences_path(customer: Customer) -> str:
    return reverse("privacy:preferences", args=[_token(customer, PREFERENCES_SALT)])


def unsubscribe_path(customer: Customer) -> str:
    return reverse("privacy:unsubscribe", args=[_token(customer, UNSUBSCRIBE_SALT)])


def preferences_url(customer: Customer) -> str:
    """The absolute, signed address of the customer's consent preferences (a GET shows, a POST confirms)."""
    return settings.PELATIS_BASE_URL + preferences_path(customer)


def unsubscribe_url(customer: Customer) -> str:
    """The absolute, signed one-click unsubscribe address (marketing by email)."""
    return settings.PELATIS_BASE_URL + unsubscribe_path(customer)


def list_unsubscribe_headers(customer: Customer) -> dict[str, str]:
    """The headers of a marketing email that let the mail client unsubscribe in one click (RFC 8058):
    a POST of ``List-Unsubscribe=One-Click`` to the signed URL withdraws marketing by email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(customer)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
