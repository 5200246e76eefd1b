"""What customers writes to the audit trail of personal data (:mod:`pelatis.core.audit`) beyond the
changes its other services record: a reader's look at a customer (the 360 page, an API read).

A page is read many times while someone works on it (reloads, htmx swaps, back and forth): the trail keeps
one ``view`` per user, customer and ``VIEW_WINDOW``, decided by one query on the log's
``(customer_id, at)`` index."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from pelatis.core.audit import Action, audit_record
from pelatis.core.models import AuditEvent

VIEW_WINDOW = dt.timedelta(minutes=10)


def customer_view_record(*, request: HttpRequest, customer_id: int, detail: str = "") -> bool:
    """Record that the request's user read this customer's personal data, unless they already did within
    ``VIEW_WINDOW``; True when an entry was written. ``detail`` says where (e.g. "API"), never what."""
    user = request.user
    if not user.is_authenticated:
        return False
    seen = AuditEvent.objects.filter(
        customer_id=customer_id,
        at__gte=timezone.now() - VIEW_WINDOW,
        action=Action.VIEW,
        actor_id=user.pk,
    ).exists()
    if seen:
        return False
    audit_record(Action.VIEW, request=request, customer_id=customer_id, detail=detail)
    return True
