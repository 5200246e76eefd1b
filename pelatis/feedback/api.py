"""Feedback over REST: one feed of CSAT answers, NPS answers and reviews; reviews pushed by integrators.

Mounted by the project API at ``/feedback`` (bearer tokens, the shared error shape).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

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


class FeedbackParams(Schema):
    kind: Literal["", "csat", "nps", "review"] = ""
    since: dt.datetime | None = None
    limit: int = Field(25, ge=1, le=200)
    offset: int = Field(0, ge=0)


class FeedbackPage(Schema):
    items: list[FeedbackItemOut]
    limit: int
    offset: int
    has_more: bool


class ReviewIn(Schema):
    platform: str = Field(..., description="e.g. google, tripadvisor, facebook")
    external_id: str = Field(..., description="the review's id on the platform; a repeat is not stored twice")
    rating: float | str | None = Field(None, description="on the platform's scale; see rating_max, or “8/10”")
    rating_max: float | None = Field(None, description="the top of the platform's scale (default 5)")
    text: str = ""
    kind: Literal["review", "mention"] = "review"
    author: str = ""
    author_email: str = ""
    author_phone: str = ""
    url: str = ""
    published_at: str | None = Field(None, description="ISO 8601; default now")
    language: str = ""


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


@router.get("/", response=FeedbackPage, summary="CSAT answers, NPS answers and reviews, newest first")
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
    response={200: ReviewOut, 201: ReviewOut},
    summary="Store a review or mention (as the signed webhook does)",
)
def reviews_create(request: HttpRequest, payload: ReviewIn) -> Status:
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
