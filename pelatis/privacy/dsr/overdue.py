"""The managers' email when a request becomes overdue: once per request, across workers and crashes.

Each request is claimed by a conditional UPDATE (committed at once), the email goes outside any
transaction, and the sending is recorded; a failed send gives the claim back for the next run, and a
claim whose sender died is taken over after ``CLAIM_LEASE``."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..models import DataRequest
from .notices import extension_notice_send, extension_notices_pending
from .queries import handlers, overdue_q, with_deadline

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=30)
BATCH = 100


def _claim(pk: int, now: dt.datetime) -> bool:
    free = Q(overdue_claimed_at__isnull=True) | Q(overdue_claimed_at__lt=now - CLAIM_LEASE)
    return bool(
        DataRequest.objects.filter(free, pk=pk, overdue_notified_at__isnull=True).update(
            overdue_claimed_at=now
        )
    )


def _email(request: DataRequest, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "r": request,
            "url": settings.PELATIS_BASE_URL + reverse("privacy:request", args=[request.pk]),
            "deadline": timezone.localtime(request.extended_until or request.due_at),
        }
        subject = " ".join(render_to_string("privacy/dsr/overdue_subject.txt", context).split())
        body = render_to_string("privacy/dsr/overdue_email.txt", context)
    send_mail(subject, body, None, recipients, fail_silently=False)


def requests_overdue_notify(now: dt.datetime | None = None) -> int:
    """Email the managers about each request that became overdue and was not notified yet; how many went."""
    now = now or timezone.now()
    recipients = list(handlers().values_list("email", flat=True))
    if not recipients:
        return 0
    due = with_deadline(DataRequest.objects.all()).filter(overdue_q(now), overdue_notified_at__isnull=True)
    sent = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        if not _claim(pk, now):  # another worker has it, or it went meanwhile
            continue
        request = DataRequest.objects.get(pk=pk)
        try:
            _email(request, recipients)
        except Exception as exc:  # SMTP down or refused: give the claim back, the next run tries again
            # The class and SMTP code only: a server's refusal quotes the recipients' addresses.
            log.warning(
                "overdue email for request %s not sent: %s %s",
                pk,
                exc.__class__.__name__,
                getattr(exc, "smtp_code", ""),
            )
            DataRequest.objects.filter(pk=pk, overdue_claimed_at=now).update(overdue_claimed_at=None)
            continue
        DataRequest.objects.filter(pk=pk).update(overdue_notified_at=timezone.now())
        sent += 1
    return sent


def job_privacy_overdue() -> str:
    """The managers' overdue emails, and any requester's extension notice whose task was lost or failed."""
    told = sum(extension_notice_send(pk) for pk in extension_notices_pending())
    return f"{requests_overdue_notify()} overdue requests notified, {told} extension notices"
