"""Segments over REST: saved filters with live counts, their customers, and the count of an unsaved filter.

``definition`` is the filter tree (``{"op": "and", "rules": [{"field": "customer.language", "op": "eq",
"value": "el"}, {"op": "or", "rules": [...]}]}``). A bad filter answers 422 with one error per bad rule,
its ``loc`` ending in the rule's path (``["body", "definition", "rules", 1, "value"]``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import IdPath, In, PageParams, Str, errors
from pelatis.core.http import request_user
from pelatis.customers.api_schemas import CustomerOut

from . import queries_segments as queries
from .segments import segment_count
from .segments.services import DESCRIPTION_MAX, NAME_MAX, segment_create, segment_delete, segment_update

router = Router(tags=["segments"])

DEFINITION_DOC = (
    'The filter: {"op": "and"|"or", "rules": [rule or group]}; a rule is {"field", "op", "value"} '
    '(and "within_days" on purchase fields), a group is {"op", "rules"}. Optional "include_internal": true.'
)


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    definition: dict[str, Any]
    count: int | None = Field(None, description="customers matching now (null: the filter no longer holds)")
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentIn(In):
    name: Str = Field(..., min_length=1, max_length=NAME_MAX)
    description: Str = Field("", max_length=DESCRIPTION_MAX)
    definition: dict[str, Any] = Field(..., description=DEFINITION_DOC)


class DefinitionIn(In):
    definition: dict[str, Any] = Field(..., description=DEFINITION_DOC)


class CountOut(Schema):
    count: int


class SegmentPage(Schema):
    items: list[SegmentOut]
    limit: int
    offset: int
    has_more: bool


class SegmentCustomerPage(Schema):
    items: list[CustomerOut]
    limit: int
    offset: int
    has_more: bool


def _loc(key: str) -> list[str | int]:
    """``rules.1.value`` → ``["body", "definition", "rules", 1, "value"]``; name and description stay body fields."""
    if key in ("name", "description"):
        return ["body", key]
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
    return ["body", "definition", *(p for p in parts if p != "definition")]


def _invalid(exc: ValidationError) -> Status[dict[str, Any]]:
    detail = [
        {"loc": _loc(key), "msg": str(message), "type": "value_error"}
        for key, messages in exc.message_dict.items()
        for message in messages
    ]
    return Status(422, {"detail": detail})


def _out(segment: Any, count: int | None) -> dict[str, Any]:
    return {
        "id": segment.pk,
        "name": segment.name,
        "description": segment.description,
        "definition": segment.definition,
        "count": count,
        "created_at": segment.created_at,
        "updated_at": segment.updated_at,
    }


def _need(request: HttpRequest, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


@router.get("/segments", response={200: SegmentPage, **errors()}, summary="Segments, with live counts")
def segments_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    _need(request, queries.VIEW_PERMISSION)
    rows = list(queries.segment_list()[page.offset : page.offset + page.limit + 1])
    shown = rows[: page.limit]
    counts = queries.counts_of(shown)
    return {
        "items": [_out(s, counts.get(s.pk)) for s in shown],
        "limit": page.limit,
        "offset": page.offset,
        "has_more": len(rows) > page.limit,
    }


@router.post(
    "/segments", response={201: SegmentOut, **errors(400)}, summary="Save a segment (422 names each bad rule)"
)
def segments_create(request: HttpRequest, payload: SegmentIn) -> Status[dict[str, Any]]:
    _need(request, queries.ADD_PERMISSION)
    try:
        segment = segment_create(
            name=payload.name,
            description=payload.description,
            definition=payload.definition,
            by=request_user(request),
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _out(segment, segment_count(segment.definition)))


@router.post(
    "/segments/count",
    response={200: CountOut, **errors(400)},
    summary="How many customers an unsaved filter matches now",
)
def segments_count(request: HttpRequest, payload: DefinitionIn) -> Status[dict[str, Any]]:
    _need(request, queries.VIEW_PERMISSION)
    try:
        return Status(200, {"count": segment_count(payload.definition)})
    except ValidationError as exc:
        return _invalid(exc)


@router.get("/segments/{segment_id}", response={200: SegmentOut, **errors(404)}, summary="One segment")
def segments_detail(request: HttpRequest, segment_id: IdPath) -> dict[str, Any]:
    segment = queries.segment_for(request.user, segment_id)
    return _out(segment, queries.counts_of([segment]).get(segment.pk))


@router.put(
    "/segments/{segment_id}",
    response={200: SegmentOut, **errors(400, 404)},
    summary="Change a segment's name, description and filter",
)
def segments_update(request: HttpRequest, segment_id: IdPath, payload: SegmentIn) -> Status[dict[str, Any]]:
    segment = queries.segment_for(request.user, segment_id, write=True)
    try:
        segment = segment_update(
            segment=segment,
            name=payload.name,
            description=payload.description,
            definition=payload.definition,
            by=request_user(request),
        )
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _out(segment, segment_count(segment.definition)))


@router.delete(
    "/segments/{segment_id}",
    response={204: None, **errors(404, 409)},
    summary="Delete a segment (409 while a campaign or journey uses it)",
)
def segments_delete(request: HttpRequest, segment_id: IdPath) -> Status[Any]:
    _need(request, queries.DELETE_PERMISSION)
    segment = queries.segment_for(request.user, segment_id)
    try:
        segment_delete(segment=segment, by=request_user(request))
    except ValidationError as exc:
        detail = [{"loc": ["path", "segment_id"], "msg": m, "type": "in_use"} for m in exc.messages]
        return Status(409, {"detail": detail})
    return Status(204, None)


@router.get(
    "/segments/{segment_id}/customers",
    response={200: SegmentCustomerPage, **errors(404)},
    summary="The customers a segment matches now, paged",
)
def segments_customers(request: HttpRequest, segment_id: IdPath, page: Query[PageParams]) -> dict[str, Any]:
    _need(request, queries.CUSTOMERS_PERMISSION)
    segment = queries.segment_for(request.user, segment_id)
    try:
        customers = queries.customers_of(segment.definition)
    except ValidationError as exc:
        raise ValidationError(
            {"definition": [f"{key}: {' '.join(m)}" for key, m in exc.message_dict.items()]}
        ) from None
    rows = list(customers[page.offset : page.offset + page.limit + 1])
    return {
        "items": rows[: page.limit],
        "limit": page.limit,
        "offset": page.offset,
        "has_more": len(rows) > page.limit,
    }
