"""Signed links to a ticket's public request page (the portal): who made them, for whom, and whether they
went through the requester's mailbox.

Nobody logs in: a link names one ticket and its customer and is valid for 90 days from when it was made.
The **visitor link** the support form leads to shows back only what was typed on the web; the
**mailbox link** goes only by email to the requester's address and, once the request is confirmed, shows
the whole conversation (see :mod:`pelatis.channels.web`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket

PORTAL_SALT = "pelatis.portal"
PORTAL_MAX_AGE = dt.timedelta(days=90)


class PortalLinkError(Exception):
    """A portal token that is not ours, was altered, has expired or names a ticket that is gone."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class PortalAccess:
    """What a working link opens: the ticket (the survivor, if it was merged), and whether the link came
    through the requester's mailbox."""

    ticket: Ticket
    mailbox: bool


def portal_token(ticket: Ticket, *, mailbox: bool = False) -> str:
    """The signed, timestamped token of a ticket's portal page: the ticket, its customer, the kind of link."""
    return signing.dumps(
        {"t": ticket.pk, "c": ticket.customer_id, "k": "m" if mailbox else "v"}, salt=PORTAL_SALT
    )


def portal_link(ticket: Ticket, *, mailbox: bool = False) -> str:
    """The path (no scheme or host) of the ticket's portal page, e.g. '/support/t/<token>/'; valid 90 days.

    Only a link sent to the requester's address may be a ``mailbox`` link."""
    return reverse("support:ticket", kwargs={"token": portal_token(ticket, mailbox=mailbox)})


def portal_url(ticket: Ticket) -> str:
    """The whole mailbox link, for emails to the requester."""
    return f"{settings.PELATIS_BASE_URL}{portal_link(ticket, mailbox=True)}"


def portal_open(token: str) -> PortalAccess:
    """The ticket a portal token stands for (the survivor, if it was merged); raises PortalLinkError."""
    try:
        data = signing.loads(token, salt=PORTAL_SALT, max_age=PORTAL_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise PortalLinkError(expired=True) from exc
    except signing.BadSignature as exc:
        raise PortalLinkError from exc
    try:
        ticket_id, customer_id = int(data["t"]), int(data["c"])
    except (TypeError, KeyError, ValueError) as exc:
        raise PortalLinkError from exc
    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    seen: set[int] = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.select_related("customer").filter(pk=ticket.merged_into_id).first()
    if ticket is None or not _same_customer(customer_id, ticket.customer_id) or ticket.customer.erased_at:
        # (An erased customer's old links open nothing: the request's text is gone anyway.)
        # The ticket moved to someone else (or into someone else's ticket): the old link shows nothing.
        raise PortalLinkError
    # Links made before there were two kinds were all handed to the visitor of the form.
    return PortalAccess(ticket=ticket, mailbox=data.get("k") == "m")


def portal_ticket(token: str) -> Ticket:
    """The ticket a portal token stands for, whichever kind of link it is; raises PortalLinkError."""
    return portal_open(token).ticket


def _same_customer(signed_id: int, current_id: int) -> bool:
    """The customer of the link, or the customer they were merged into, owns the ticket now."""
    seen: set[int] = set()
    cid: int | None = signed_id
    while cid is not None and cid not in seen:
        if cid == current_id:
            return True
        seen.add(cid)
        cid = Customer.objects.filter(pk=cid).values_list("merged_into_id", flat=True).first()
    return False
