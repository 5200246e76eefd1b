"""Consent over REST, mounted by the project API at the root: a customer's current consent per purpose
and channel with the paged history, and recording a statement (source "api")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import IdPath, In, PageParams, Str, errors, one_of
from pelatis.core.http import request_user
from pelatis.customers.models import Customer

from .models import ConsentChannel, ConsentRecord, Purpose, Source
from .queries import consent_current, consent_history
from .services import NOTE_MAX, WORDING_MAX, consent_record

router = Router(tags=["privacy"])

VIEW_PERMISSION = "privacy.view_consentrecord"
ADD_PERMISSION = "privacy.add_consentrecord"


class StateOut(Schema):
    purpose: str
    channel: str
    granted: bool
    recorded: bool = Field(..., description="false: nothing is recorded and the purpose's default applies")
    recorded_at: dt.datetime | None


class RecordOut(Schema):
    id: int
    purpose: str
    channel: str
    granted: bool
    source: str = Field(..., description="form, import, agent, link, api or migration")
    wording: str
    note: str
    recorded_by: str | None
    recorded_at: dt.datetime = Field(..., description="when the customer gave or withdrew it")
    created_at: dt.datetime = Field(..., description="when it was recorded here")


class HistoryPage(Schema):
    items: list[RecordOut]
    limit: int
    offset: int
    has_more: bool


class ConsentOut(Schema):
    customer_id: int
    current: list[StateOut]
    history: HistoryPage


class ConsentIn(In):
    purpose: one_of(Purpose.values)  # type: ignore[valid-type]  # a Literal built from the choices
    channel: one_of(ConsentChannel.values)  # type: ignore[valid-type]  # as above
    granted: bool
    wording: Str = Field("", max_length=WORDING_MAX, description="the wording the customer saw or agreed to")
    note: Str = Field("", max_length=NOTE_MAX)


def _customer(request: HttpRequest, customer_id: int, permission: str) -> Customer:
    if not request.user.has_perm(permission):
        raise PermissionDenied
    customer = Customer.objects.select_related("merged_into").filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    return customer.merged_into or customer  # a merged customer's consent lives with the one it became


def _record_out(r: ConsentRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "purpose": r.purpose,
        "channel": r.channel,
        "granted": r.granted,
        "source": r.source,
        "wording": r.wording,
        "note": r.note,
        "recorded_by": r.recorded_by.get_username() if r.recorded_by else None,
        "recorded_at": r.recorded_at,
        "created_at": r.created_at,
    }


def _consent_out(customer: Customer, page: PageParams) -> dict[str, Any]:
    rows, more = consent_history(customer.pk, limit=page.limit, offset=page.offset)
    return {
        "customer_id": customer.pk,
        "current": [
            {
                "purpose": s.purpose,
                "channel": s.channel,
                "granted": s.granted,
                "recorded": s.record is not None,
                "recorded_at": s.record.recorded_at if s.record else None,
            }
            for s in consent_current(customer.pk)
        ],
        "history": {
            "items": [_record_out(r) for r in rows],
            "limit": page.limit,
            "offset": page.offset,
            "has_more": more,
        },
    }


@router.get(
    "/customers/{customer_id}/consent",
    response={200: ConsentOut, **errors(404)},
    summary="A customer's consent: the current state per purpose and channel, and the history",
)
def consent_detail(request: HttpRequest, customer_id: IdPath, page: Query[PageParams]) -> dict[str, Any]:
    return _consent_out(_customer(request, customer_id, VIEW_PERMISSION), page)


@router.post(
    "/customers/{customer_id}/consent",
    response={200: RecordOut, **errors(400, 404)},
    summary="Record a consent given or withdrawn (a repeat of the state in force adds nothing)",
)
def consent_create(request: HttpRequest, customer_id: IdPath, payload: ConsentIn) -> Status[dict[str, Any]]:
    customer = _customer(request, customer_id, ADD_PERMISSION)
    record = consent_record(
        customer=customer,
        purpose=payload.purpose,
        channel=payload.channel,
        granted=payload.granted,
        source=Source.API,
        wording=payload.wording,
        note=payload.note,
        by=request_user(request),
    )
    return Status(200, _record_out(record))
