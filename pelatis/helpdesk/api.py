"""Tickets and their messages over REST."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pelatis.customers.queries import customer_for

from . import queries
from .models import Message, Ticket
from .services import tickets as services

router = Router(tags=["tickets"])


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


class TicketIn(Schema):
    customer_id: int
    subject: str = Field(..., max_length=250)
    body: str
    type: str = "question"
    priority: str = "normal"
    channel: Literal["email", "phone", "web", "in_person", "chat", "social"] = "phone"


class MessageIn(Schema):
    kind: Literal["reply", "note"] = "reply"
    body: str
    status: str | None = Field(None, description="Status to set with a reply (default: pending customer)")


class StatusIn(Schema):
    status: str


class StageIn(Schema):
    stage: str
    note: str = ""


class AssignIn(Schema):
    assignee_id: int | None
    team_id: int | None = Field(None, description="Omit to keep the team; null for no team")


class MergeIn(Schema):
    merged_id: int


class InboxParams(Schema):
    view: Literal["all", "mine", "team", "unassigned", "breaching", "pending"] = "all"
    status: str = ""
    limit: int = Field(25, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TicketPage(Schema):
    items: list[TicketOut]
    limit: int
    offset: int
    has_more: bool


@router.get("/tickets", response=TicketPage, summary="An inbox view")
def tickets_list(request: HttpRequest, params: Query[InboxParams]) -> dict[str, object]:
    if not request.user.has_perm("helpdesk.view_ticket"):
        raise PermissionDenied
    rows = list(queries.inbox(request.user, view=params.view, status=params.status)[
        params.offset: params.offset + params.limit + 1])
    return {"items": rows[: params.limit], "limit": params.limit, "offset": params.offset,
            "has_more": len(rows) > params.limit}


@router.post("/tickets", response={201: TicketDetail}, summary="Log a request (phone call, visit, chat)")
def tickets_create(request: HttpRequest, payload: TicketIn) -> Status:
    if not request.user.has_perm("helpdesk.add_ticket"):
        raise PermissionDenied
    customer = customer_for(request.user, payload.customer_id)
    ticket, _message = services.ticket_open(
        customer=customer, subject=payload.subject, channel=payload.channel, type=payload.type,
        priority=payload.priority, mail=services.InboundMail(body_text=payload.body), by=request.user)
    return Status(201, _detail(ticket))


def _detail(ticket: Ticket) -> dict[str, object]:
    page = queries.ticket_page(ticket)
    return {**TicketOut.from_orm(ticket).dict(), "messages": page.messages}


@router.get("/tickets/{ticket_id}", response=TicketDetail)
def tickets_get(request: HttpRequest, ticket_id: int) -> dict[str, object]:
    return _detail(queries.ticket_for(request.user, ticket_id))


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut}, summary="Reply to the customer or add a note")
def tickets_message(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Status:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    if payload.kind == "note":
        message: Message = services.note_add(ticket=ticket, body_text=payload.body, by=request.user)
    else:
        message = services.reply_send(ticket=ticket, body_text=payload.body, by=request.user, status=payload.status)
    return Status(201, message)


@router.post("/tickets/{ticket_id}/status", response=TicketOut)
def tickets_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Ticket:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    return services.ticket_set_status(ticket=ticket, status=payload.status, by=request.user)


@router.post("/tickets/{ticket_id}/stage", response=TicketOut, summary="Move a complaint to its next stage")
def tickets_stage(request: HttpRequest, ticket_id: int, payload: StageIn) -> Ticket:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    return services.ticket_set_stage(ticket=ticket, stage=payload.stage, note=payload.note, by=request.user)


@router.post("/tickets/{ticket_id}/assign", response=TicketOut)
def tickets_assign(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Ticket:
    from django.contrib.auth import get_user_model

    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    agent = get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first() if payload.assignee_id else None
    if payload.assignee_id and agent is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"assignee_id": ["No active user with this id."]})
    team_id = payload.team_id if "team_id" in payload.model_fields_set else services.KEEP
    return services.ticket_assign(ticket=ticket, agent=agent, team_id=team_id, by=request.user)


class PriorityIn(Schema):
    priority: str


@router.post("/tickets/{ticket_id}/priority", response=TicketOut, summary="Change priority (re-applies the SLA policy)")
def tickets_priority(request: HttpRequest, ticket_id: int, payload: PriorityIn) -> Ticket:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    return services.ticket_set_priority(ticket=ticket, priority=payload.priority, by=request.user)


@router.post("/tickets/{ticket_id}/merge", response=TicketOut, summary="Merge another ticket into this one")
def tickets_merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    survivor = queries.ticket_for(request.user, ticket_id, write=True)
    merged = queries.ticket_for(request.user, payload.merged_id, write=True)
    return services.ticket_merge(survivor=survivor, merged=merged, by=request.user)


class OrdersIn(Schema):
    order_ids: list[int]


class TagsIn(Schema):
    tags: list[str]


@router.post("/tickets/{ticket_id}/orders", response=TicketOut, summary="Link the customer's orders")
def tickets_orders(request: HttpRequest, ticket_id: int, payload: OrdersIn) -> Ticket:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    return services.ticket_link_orders(ticket=ticket, order_ids=payload.order_ids, by=request.user)


@router.put("/tickets/{ticket_id}/tags", response=TicketOut, summary="Replace the ticket's tags")
def tickets_tags(request: HttpRequest, ticket_id: int, payload: TagsIn) -> Ticket:
    ticket = queries.ticket_for(request.user, ticket_id, write=True)
    return services.ticket_set_tags(ticket=ticket, names=payload.tags, by=request.user)


@router.post("/messages/{message_id}/split", response={201: TicketOut}, summary="Move a message into a new ticket")
def messages_split(request: HttpRequest, message_id: int) -> Status:
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        from django.http import Http404

        raise Http404
    queries.ticket_for(request.user, message.ticket_id, write=True)
    return Status(201, services.message_split(message=message, by=request.user))


class ToneIn(Schema):
    text: str = Field(..., max_length=20000)
    language: str | None = Field(None, description="el or en; detected when omitted")
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


@router.post("/tone/check", response=list[ToneHintOut], tags=["tone"], summary="Tone hints for a reply")
def tone_check_endpoint(request: HttpRequest, payload: ToneIn) -> list[object]:
    from .services.tone import tone_check

    if not request.user.has_perm("helpdesk.view_ticket"):
        raise PermissionDenied
    return list(tone_check(payload.text, language=payload.language, formal=payload.formal))
