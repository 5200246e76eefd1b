"""Reads of the request log: the filtered list, what is overdue, one request for a user, who handles them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission, User
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import CLOSED_STATUSES, DataRequest, RequestKind, RequestStatus

HANDLE_PERMISSION = "privacy.change_datarequest"


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Open requests whose deadline (the extension's, else the first) has passed."""
    return Q(answer_by__lt=now or timezone.now()) & ~Q(status__in=CLOSED_STATUSES)


def with_deadline(rows: QuerySet[DataRequest]) -> QuerySet[DataRequest]:
    """``rows`` with ``answer_by``: the deadline in force (the extension's, else the first)."""
    return rows.annotate(answer_by=Coalesce("extended_until", "due_at"))


def requests_filtered(*, status: str = "", kind: str = "", overdue: bool = False) -> QuerySet[DataRequest]:
    """The log, newest first, narrowed by status ("open" for every open one), kind and overdue."""
    rows = with_deadline(DataRequest.objects.select_related("customer", "handled_by"))
    if status == "open":
        rows = rows.exclude(status__in=CLOSED_STATUSES)
    elif status in RequestStatus.values:
        rows = rows.filter(status=status)
    if kind in RequestKind.values:
        rows = rows.filter(kind=kind)
    if overdue:
        rows = rows.filter(overdue_q())
    return rows.order_by("-received_at", "-id")


def overdue_count() -> int:
    return with_deadline(DataRequest.objects.all()).filter(overdue_q()).count()


def request_get(pk: int) -> DataRequest:
    """One request with what its page shows (404 when there is none)."""
    return get_object_or_404(DataRequest.objects.select_related("customer", "handled_by", "filed_by"), pk=pk)


def handlers() -> QuerySet[User]:
    """The active staff who handle requests (managers; superusers too), with an email address."""
    app_label, codename = HANDLE_PERMISSION.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    allowed = Q(is_superuser=True)
    if perm is not None:
        allowed |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    return User.objects.filter(allowed, is_active=True).exclude(email="").distinct().order_by("pk")
