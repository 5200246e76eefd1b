"""A customer files a request from the portal: they type their email, we send a signed link to it (only
when the address belongs to a customer; the page answers the same either way), and the link files it.

The link carries no personal data (a contact point's id, the kind of request and a one-time key), so
an address never appears in a URL or a server log; it works for ``LINK_MAX_AGE`` and files once."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from pelatis.customers.models import ContactPoint, Customer
from pelatis.lang.address import salutation

from ..models import RequestKind
from ..texts import customer_language
from .forms import portal_kind_label

log = logging.getLogger(__name__)

SALT = "pelatis.privacy.request"
LINK_MAX_AGE = 3 * 24 * 60 * 60  # three days to confirm


class RequestLinkError(Exception):
    """The link is not ours, was altered, has expired, or its address is gone."""


@dataclass(frozen=True)
class RequestLink:
    """What a working link stands for."""

    contact_point: ContactPoint
    customer: Customer | None  # None when several customers share the address: staff identify
    kind: str
    key: str  # the one-time key that files it once


def owners_of(email: str) -> list[Customer]:
    """The current customers (merges followed, erased left out) holding ``email`` as a contact point."""
    ids = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value=email.strip().lower()).values(
        "customer_id"
    )
    found: dict[int, Customer] = {}
    for customer in Customer.objects.filter(pk__in=ids).select_related("merged_into"):
        for _hop in range(10):
            if customer.merged_into_id is None:
                break
            customer = Customer.objects.get(pk=customer.merged_into_id)
        if customer.erased_at is None:
            found[customer.pk] = customer
    return sorted(found.values(), key=lambda c: c.pk)


def link_token(contact_point: ContactPoint, kind: str) -> str:
    return signing.dumps({"p": contact_point.pk, "k": kind, "n": secrets.token_urlsafe(18)}, salt=SALT)


def link_open(token: str) -> RequestLink:
    """What a link stands for; raises RequestLinkError."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
        point_id, kind, key = int(data["p"]), str(data["k"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RequestLinkError from exc
    point = ContactPoint.objects.filter(pk=point_id, kind=ContactPoint.Kind.EMAIL).first()
    if point is None or kind not in RequestKind.values:
        raise RequestLinkError
    owners = owners_of(point.value)
    if not owners:
        raise RequestLinkError
    return RequestLink(point, owners[0] if len(owners) == 1 else None, kind, key)


def link_email_send(*, contact_point: ContactPoint, customer: Customer, kind: str) -> None:
    """The email with the confirmation link, in the customer's language and form of address."""
    language = customer_language(customer)
    url = settings.PELATIS_BASE_URL + reverse(
        "privacy:portal_confirm", args=[link_token(contact_point, kind)]
    )
    with translation.override(language):
        context = {
            "greeting": salutation(
                language=language,
                formal=customer.formal,
                title=customer.title,
                first_name=customer.first_name,
                last_name=customer.last_name,
            ),
            "kind": portal_kind_label(kind),
            "url": url,
            "days": LINK_MAX_AGE // 86400,
        }
        subject = " ".join(render_to_string("privacy/dsr/portal_link_subject.txt", context).split())
        body = render_to_string("privacy/dsr/portal_link_email.txt", context)
    send_mail(subject, body, None, [contact_point.value], fail_silently=False)


def link_target(email: str) -> ContactPoint | None:
    """The contact point a link email for ``email`` goes to, or None when no customer holds the address."""
    owners = owners_of(email)
    if not owners:
        return None
    points = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value=email.strip().lower()).order_by(
        "pk"
    )
    return points.filter(customer_id__in=[c.pk for c in owners]).first() or points.first()


def link_send(*, contact_point_id: int, kind: str, nonce: str) -> bool:
    """Send one queued link email, at most once per ``nonce`` (claimed in the shared cache before it goes:
    a task run again after a crash sends nothing twice); False when nothing went."""
    point = ContactPoint.objects.filter(pk=contact_point_id, kind=ContactPoint.Kind.EMAIL).first()
    if point is None or kind not in RequestKind.values:
        return False
    owners = owners_of(point.value)
    if not owners or not cache.add(f"pelatis:privacy:dsr-link:{nonce}", 1, timeout=LINK_MAX_AGE):
        return False
    try:
        link_email_send(contact_point=point, customer=owners[0], kind=kind)
    except Exception as exc:  # SMTP down: the requester asks again
        # The class and SMTP code only: a server's refusal quotes the recipient's address.
        log.warning(
            "data-request link email for contact point %s not sent: %s %s",
            point.pk,
            exc.__class__.__name__,
            getattr(exc, "smtp_code", ""),
        )
        return False
    return True
