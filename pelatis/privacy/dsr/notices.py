"""The requester's email when their request's deadline is extended (GDPR art. 12(3): they are told within
the first month, with the reasons): once per new deadline, across workers and crashes.

Claimed by a conditional UPDATE (committed at once), sent outside any transaction, recorded as the
deadline the requester was told of; a failed send gives the claim back for the next try (the worker's
``privacy_overdue`` job also sends any notice whose task was lost)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pelatis.customers.models import ContactPoint
from pelatis.lang.address import salutation

from ..models import CLOSED_STATUSES, DataRequest
from ..texts import customer_language
from .forms import portal_kind_label

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=30)


def _due() -> Q:
    """Open requests with an extension the requester was not told of yet."""
    told = Q(extension_noticed_until__isnull=False) & Q(extension_noticed_until=F("extended_until"))
    return Q(extended_until__isnull=False) & ~told & ~Q(status__in=CLOSED_STATUSES)


def _address(request: DataRequest) -> str:
    if request.requester_email:
        return request.requester_email
    if request.customer_id is None:
        return ""
    points = ContactPoint.objects.filter(customer_id=request.customer_id, kind=ContactPoint.Kind.EMAIL)
    return str(points.order_by("-is_primary", "pk").values_list("value", flat=True).first() or "")


def _email(request: DataRequest, to: str) -> None:
    customer = request.customer
    language = customer_language(customer) if customer else settings.LANGUAGE_CODE
    greeting = (
        salutation(
            language=language,
            formal=customer.formal,
            title=customer.title,
            first_name=customer.first_name,
            last_name=customer.last_name,
        )
        if customer
        else ""
    )
    with translation.override(language):
        context = {
            "greeting": greeting,
            "r": request,
            "kind": portal_kind_label(request.kind),
            "until": timezone.localtime(request.extended_until) if request.extended_until else None,
        }
        subject = " ".join(render_to_string("privacy/dsr/extension_subject.txt", context).split())
        body = render_to_string("privacy/dsr/extension_email.txt", context)
    send_mail(subject, body, None, [to], fail_silently=False)


def extension_notice_send(request_id: int, now: dt.datetime | None = None) -> bool:
    """Tell the requester of the request's new deadline and why, once per deadline; True when it went."""
    now = now or timezone.now()
    free = Q(extension_notice_claimed_at__isnull=True) | Q(extension_notice_claimed_at__lt=now - CLAIM_LEASE)
    if not DataRequest.objects.filter(_due(), free, pk=request_id).update(extension_notice_claimed_at=now):
        return False  # told already, not extended, closed, or another worker is sending it
    request = DataRequest.objects.select_related("customer").get(pk=request_id)
    to = _address(request)
    try:
        if not to:
            raise ValueError("no email address for the requester")
        _email(request, to)
    except Exception as exc:  # SMTP down, or nowhere to send: give the claim back (staff see it on the page)
        log.warning(
            "extension notice for request %s not sent: %s %s",
            request_id,
            exc.__class__.__name__,
            getattr(exc, "smtp_code", ""),
        )
        DataRequest.objects.filter(pk=request_id, extension_notice_claimed_at=now).update(
            extension_notice_claimed_at=None
        )
        return False
    DataRequest.objects.filter(pk=request_id).update(
        extension_noticed_until=request.extended_until, extension_notice_claimed_at=None
    )
    return True


def extension_notices_pending(limit: int = 100) -> list[int]:
    """Requests whose extension notice is still to go (a lost task, a failed send)."""
    return list(DataRequest.objects.filter(_due()).order_by("pk").values_list("pk", flat=True)[:limit])
