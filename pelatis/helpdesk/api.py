"""Tickets and their messages over REST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import Id, IdPath, In, PageParams, errors, one_of
from pelatis.core.http import request_user
from pelatis.customers.queries import customer_for

from . import queries
from .models import Message, Ticket
from .services.lifecycle import ticket_set_stage, ticket_set_status
from .services.merge import message_split, ticket_merge
from .services.messages import InboundMail, message_length_check, note_add, reply_send
from .services.tickets import (
    KEEP,
    ticket_assign,
    ticket_link_orders,
    ticket_open,
    ticket_set_priority,
    ticket_set_tags,
)

router = Router(tags=["tickets"])

T = TypeVar("T")
# A fixed ceiling for the schema; the configured limit (PELATIS_MESSAGE_MAX_CHARS) is the service's to apply.
BODY_MAX = 1_000_000
BODY_DOC = "At most PELATIS_MESSAGE_MAX_CHARS characters (50,000 unless configured)"


class MessageOut(Schema):
    id: int
    direction: str
    author_id: int | None
    from_email: str
    subject: str
    body_text: str
    visible_text: str
    message_id: str | None
    delivery: str
    created_at: dt.datetime


class TicketOut(Schema):
    id: int
    subject: str
    customer_id: int
    type: str
    status: str
    priority: str
    stage: str
    channel: str
    language: str
    team_id: int | None
    assignee_id: int | None
    first_response_due: dt.datetime | None
    next_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    sla_breached: bool
    reopened_count: int
    merged_into_id: int | None
    created_at: dt.datetime


class TicketDetail(TicketOut):
    messages: list[MessageOut]


# What a call that changes a ticket answers: the ticket, or an error (bad input, no such ticket, the common ones).
TICKET_CHANGED = {200: TicketOut, **errors(400, 404)}


class TicketIn(In):
    customer_id: Id
    subject: str = Field(..., max_length=250)
    body: str = Field(..., max_length=BODY_MAX, description=BODY_DOC)
    type: one_of(Ticket.Type.values) = "question"  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import
    priority: one_of(Ticket.Priority.values) = "normal"  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import
    channel: Literal["email", "phone", "web", "in_person", "chat", "social"] = "phone"


class MessageIn(In):
    kind: Literal["reply", "note"] = "reply"
    body: str = Field(..., max_length=BODY_MAX, description=BODY_DOC)
    status: one_of(Ticket.Status.values) | None = Field(  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import
        None, description="Status to set with a reply (default: pending customer)"
    )


class StatusIn(In):
    status: one_of(Ticket.Status.values)  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import


class StageIn(In):
    stage: one_of(Ticket.Stage.values)  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import
    note: str = Field("", max_length=300)


class AssignIn(In):
    assignee_id: Id | None
    team_id: Id | None = Field(None, description="Omit to keep the team; null for no team")


class MergeIn(In):
    merged_id: Id = Field(..., description="The ticket to fold into this one (it is closed, pointing here)")
    confirm_other_customer: bool = Field(
        False,
        description="Required when the two tickets belong to different customers: without it such a merge "
        "is refused with 422 (field confirm_other_customer)",
    )


class InboxParams(PageParams):
    view: Literal["all", "mine", "team", "unassigned", "breaching", "pending"] = "all"
    status: one_of(["", *Ticket.Status.values]) = ""  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import


class TicketPage(Schema):
    items: list[TicketOut]
    limit: int
    offset: int
    has_more: bool


@router.get("/tickets", response={200: TicketPage, **errors()}, summary="An inbox view")
def tickets_list(request: HttpRequest, params: Query[InboxParams]) -> dict[str, object]:
    if not request.user.has_perm("helpdesk.view_ticket"):
        raise PermissionDenied
    rows = list(
        queries.inbox(request.user, view=params.view, status=params.status)[
            params.offset : params.offset + params.limit + 1
        ]
    )
    return {
        "items": rows[: params.limit],
        "limit": params.limit,
        "offset": params.offset,
        "has_more": len(rows) > params.limit,
    }


@router.post(
    "/tickets", response={201: TicketDetail, **errors(400)}, summary="Log a request (phone call, visit, chat)"
)
def tickets_create(request: HttpRequest, payload: TicketIn) -> Status[dict[str, object]]:
    if not request.user.has_perm("helpdesk.add_ticket"):
        raise PermissionDenied
    message_length_check(payload.body)
    customer = _referenced(
        lambda: customer_for(request.user, payload.customer_id),
        "customer_id",
        _("No customer with id %(id)s.") % {"id": payload.customer_id},
    )
    ticket, _message = ticket_open(
        customer=customer,
        subject=payload.subject,
        channel=payload.channel,
        type=payload.type,
        priority=payload.priority,
        mail=InboundMail(body_text=payload.body),
        by=request_user(request),
    )
    return Status(201, _detail(ticket))


def _referenced(fetch: Callable[[], T], field: str, missing: str) -> T:
    """An object named in a request body: a missing one is a 422 naming the field, checked before any write."""
    try:
        return fetch()
    except Http404:
        raise ValidationError({field: [missing]}) from None


def _detail(ticket: Ticket) -> dict[str, object]:
    page = queries.ticket_page(ticket)
    return {**TicketOut.from_orm(ticket).dict(), "messages": page.messages}


@router.get("/tickets/{ticket_id}", response={200: TicketDetail, **errors(404)})
def tickets_get(request: HttpRequest, ticket_id: IdPath) -> dict[str, object]:
    return _detail(queries.ticket_for(request.user, ticket_id))


@router.post(
    "/tickets/{ticket_id}/messages",
    response={201: MessageOut, **errors(400, 404)},
    summary="Reply to the customer or add a note",
)
def tickets_message(request: HttpRequest, ticket_id: IdPath, payload: MessageIn) -> Status[Message]:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    if payload.kind == "note":
        message = note_add(ticket=ticket, body_text=payload.body, by=by)
    else:
        message = reply_send(ticket=ticket, body_text=payload.body, by=by, status=payload.status)
    return Status(201, message)


@router.post("/tickets/{ticket_id}/status", response=TICKET_CHANGED)
def tickets_status(request: HttpRequest, ticket_id: IdPath, payload: StatusIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    return ticket_set_status(ticket=ticket, status=payload.status, by=by)


@router.post(
    "/tickets/{ticket_id}/stage",
    response=TICKET_CHANGED,
    summary="Move a complaint to its next stage",
)
def tickets_stage(request: HttpRequest, ticket_id: IdPath, payload: StageIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    return ticket_set_stage(ticket=ticket, stage=payload.stage, note=payload.note, by=by)


@router.post("/tickets/{ticket_id}/assign", response=TICKET_CHANGED)
def tickets_assign(request: HttpRequest, ticket_id: IdPath, payload: AssignIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    agent = (
        get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first()
        if payload.assignee_id
        else None
    )
    if payload.assignee_id and agent is None:
        raise ValidationError(
            {"assignee_id": [_("No active user with id %(id)s.") % {"id": payload.assignee_id}]}
        )
    team_id = payload.team_id if "team_id" in payload.model_fields_set else KEEP
    return ticket_assign(ticket=ticket, agent=agent, team_id=team_id, by=by)


class PriorityIn(In):
    priority: one_of(Ticket.Priority.values)  # type: ignore[valid-type]  # a Literal of the model\'s choices, built at import


@router.post(
    "/tickets/{ticket_id}/priority",
    response=TICKET_CHANGED,
    summary="Change priority (re-applies the SLA policy)",
)
def tickets_priority(request: HttpRequest, ticket_id: IdPath, payload: PriorityIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    return ticket_set_priority(ticket=ticket, priority=payload.priority, by=by)


@router.post(
    "/tickets/{ticket_id}/merge",
    response=TICKET_CHANGED,
    summary="Merge another ticket into this one",
)
def tickets_merge(request: HttpRequest, ticket_id: IdPath, payload: MergeIn) -> Ticket:
    survivor, by = queries.ticket_to_change(request, ticket_id)
    merged = _referenced(
        lambda: queries.ticket_for(request.user, payload.merged_id, write=True),
        "merged_id",
        _("No ticket with id %(id)s.") % {"id": payload.merged_id},
    )
    return ticket_merge(
        survivor=survivor,
        merged=merged,
        by=by,
        confirm_other_customer=payload.confirm_other_customer,
    )


class OrdersIn(In):
    order_ids: list[Id] = Field(..., max_length=100)


class TagsIn(In):
    tags: list[Annotated[str, Field(max_length=60)]] = Field(..., max_length=50)


@router.post(
    "/tickets/{ticket_id}/orders",
    response=TICKET_CHANGED,
    summary="Link the customer's orders",
)
def tickets_orders(request: HttpRequest, ticket_id: IdPath, payload: OrdersIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    return ticket_link_orders(ticket=ticket, order_ids=payload.order_ids, by=by)


@router.put(
    "/tickets/{ticket_id}/tags",
    response=TICKET_CHANGED,
    summary="Replace the ticket's tags",
)
def tickets_tags(request: HttpRequest, ticket_id: IdPath, payload: TagsIn) -> Ticket:
    ticket, by = queries.ticket_to_change(request, ticket_id)
    return ticket_set_tags(ticket=ticket, names=payload.tags, by=by)


@router.post(
    "/messages/{message_id}/split",
    response={201: TicketOut, **errors(404)},
    summary="Move a message into a new ticket",
)
def messages_split(request: HttpRequest, message_id: IdPath) -> Status[Ticket]:
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise Http404
    _ticket, by = queries.ticket_to_change(request, message.ticket_id)
    return Status(201, message_split(message=message, by=by))


class ToneIn(In):
    text: str = Field(..., max_length=20000)
    language: Literal["el", "en"] | None = Field(None, description="el or en; detected when omitted")
    formal: bool = True


class ToneHintOut(Schema):
    rule_id: str
    category: str
    severity: str
    start: int
    end: int
    matched: str
    message: str
    suggestion: str


@router.post(
    "/tone/check",
    response={200: list[ToneHintOut], **errors(400)},
    tags=["tone"],
    summary="Tone hints for a reply",
)
def tone_check_endpoint(request: HttpRequest, payload: ToneIn) -> list[object]:
    from .services.tone import tone_check

    if not request.user.has_perm("helpdesk.view_ticket"):
        raise PermissionDenied
    return list(tone_check(payload.text, language=payload.language, formal=payload.formal))
