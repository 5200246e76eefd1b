"""Feedback over REST: one feed of CSAT answers, NPS answers and reviews; reviews pushed by integrators.

Mounted by the project API at ``/feedback`` (bearer tokens, the shared error shape).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pelatis.core.apischema import In, Moment, PageParams, errors

from . import queries
from .services.reviews import review_ingest, review_input_clean

router = Router(tags=["feedback"])


class FeedbackItemOut(Schema):
    kind: str = Field(..., description="csat, nps or review")
    id: int
    customer_id: int | None
    score: int | None = Field(None, description="CSAT 1–5, NPS 0–10, review rating 1–5 (normalised)")
    text: str = Field("", description="the comment, the “why?” or the review text")
    sentiment_label: str = Field("", description="positive, neutral, negative; empty without text")
    sentiment_score: float | None
    at: dt.datetime = Field(..., description="when it was answered (surveys) or published (reviews)")
    follow_up_ticket_id: int | None


class FeedbackParams(PageParams):
    kind: Literal["", "csat", "nps", "review"] = ""
    since: Moment | None = None


class FeedbackPage(Schema):
    items: list[FeedbackItemOut]
    limit: int
    offset: int
    has_more: bool


class ReviewIn(In):
    platform: str = Field(..., max_length=40, description="e.g. google, tripadvisor, facebook")
    external_id: str = Field(
        ..., max_length=200, description="the review's id on the platform; a repeat is not stored twice"
    )
    rating: float | Annotated[str, Field(max_length=20)] | None = Field(
        None, description="on the platform's scale; see rating_max, or “8/10”"
    )
    rating_max: float | None = Field(
        None, gt=0, le=1000, description="the top of the platform's scale (default 5)"
    )
    text: str = Field("", max_length=20_000)
    kind: Literal["review", "mention"] = "review"
    author: str = Field("", max_length=200)
    author_email: str = Field("", max_length=254)
    author_phone: str = Field("", max_length=40)
    url: str = Field("", max_length=1000)
    published_at: str | None = Field(None, max_length=40, description="ISO 8601; default now")
    language: str = Field("", max_length=10)


class ReviewOut(Schema):
    id: int
    created: bool
    platform: str
    external_id: str
    rating: int | None
    sentiment_label: str
    sentiment_score: float | None
    customer_id: int | None
    follow_up_ticket_id: int | None


@router.get(
    "/",
    response={200: FeedbackPage, **errors()},
    summary="CSAT answers, NPS answers and reviews, newest first",
)
def feedback_list(request: HttpRequest, params: Query[FeedbackParams]) -> dict[str, Any]:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    rows = list(
        queries.feedback_items(kind=params.kind, since=params.since)[
            params.offset : params.offset + params.limit + 1
        ]
    )
    items = [{key.removeprefix("f_"): value for key, value in row.items()} for row in rows[: params.limit]]
    return {
        "items": items,
        "limit": params.limit,
        "offset": params.offset,
        "has_more": len(rows) > params.limit,
    }


@router.post(
    "/reviews",
    response={200: ReviewOut, 201: ReviewOut, **errors(400)},
    summary="Store a review or mention (as the signed webhook does)",
)
def reviews_create(request: HttpRequest, payload: ReviewIn) -> Status[dict[str, Any]]:
    if not request.user.has_perm(queries.ANSWER_PERMISSION):
        raise PermissionDenied
    data = review_input_clean(payload.dict(exclude_none=True))
    review, created = review_ingest(data=data)
    fields = (
        "id",
        "platform",
        "external_id",
        "rating",
        "sentiment_label",
        "sentiment_score",
        "customer_id",
        "follow_up_ticket_id",
    )
    return Status(201 if created else 200, {"created": created, **{f: getattr(review, f) for f in fields}})
