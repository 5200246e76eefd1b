"""Reads of the feedback app: the access helper for reviews, the staff lists, sentiment history, the API feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404

from pelatis.customers.models import Customer

from .models import CsatSurvey, NpsCampaign, NpsResponse, NpsRun, Review
from .services.nps import DETRACTOR_MAX

Viewer = User | AnonymousUser  # request.user: signed in, or not

# Feedback has no roles of its own yet: whoever sees tickets sees feedback, whoever may answer
# customers on tickets may answer reviews (agents and up; read-only users only read).
VIEW_PERMISSION = "helpdesk.view_ticket"
ANSWER_PERMISSION = "helpdesk.add_message"
# Setting up and sending surveys is a manager's call, like the tags that segment them (accounts/roles.py):
# agents and read-only users see the campaigns and their answers only.
MANAGE_CAMPAIGNS_PERMISSION = "customers.change_tag"
HISTORY_LIMIT = 100
KINDS = ("csat", "nps", "review")


def can_answer(user: Viewer) -> bool:
    return user.has_perm(ANSWER_PERMISSION)


def review_for(user: Viewer, review_id: int, *, write: bool = False) -> Review:
    """The review with this id if ``user`` may see it (and answer it, with write=True); else 403/404."""
    if not user.has_perm(VIEW_PERMISSION) or (write and not can_answer(user)):
        raise PermissionDenied
    return get_object_or_404(
        Review.objects.select_related("customer", "answered_by", "follow_up_ticket"), pk=review_id
    )


def negative_reviews() -> Q:
    """Rated 1–2, or unrated with negative sentiment (as Review.is_negative)."""
    return Q(rating__lte=2) | Q(rating__isnull=True, sentiment_label="negative")


def review_list(*, platform: str = "", unanswered: bool = False, negative: bool = False) -> QuerySet[Review]:
    """Reviews and mentions, newest first, filtered as the staff list asks."""
    qs = Review.objects.select_related("customer", "follow_up_ticket")
    if platform:
        qs = qs.filter(platform=platform)
    if unanswered:
        qs = qs.filter(answered_at__isnull=True)
    if negative:
        qs = qs.filter(negative_reviews())
    return qs.order_by("-published_at", "-id")


def review_platforms() -> list[str]:
    """The platforms reviews came from, for the filter."""
    return list(Review.objects.order_by("platform").values_list("platform", flat=True).distinct())


def nps_responses(*, answered: bool = True) -> QuerySet[NpsResponse]:
    qs = NpsResponse.objects.select_related("customer", "campaign", "follow_up_ticket")
    return qs.filter(answered_at__isnull=not answered).order_by("-answered_at", "-id")


class SentimentPoint(NamedTuple):
    date: dt.datetime
    source: str  # "csat" | "nps" | "review"
    label: str
    score: float | None


def sentiment_history(customer: Customer, *, limit: int = HISTORY_LIMIT) -> list[SentimentPoint]:
    """Sentiment of the customer's CSAT comments, NPS comments and reviews, newest first (at most ``limit``)."""
    scored = Q(sentiment_label__gt="")
    sources: list[tuple[str, QuerySet[Any]]] = [
        (
            "csat",
            CsatSurvey.objects.filter(scored, customer=customer, answered_at__isnull=False)
            .values_list("answered_at", "sentiment_label", "sentiment_score")
            .order_by("-answered_at")[:limit],
        ),
        (
            "nps",
            NpsResponse.objects.filter(scored, customer=customer, answered_at__isnull=False)
            .values_list("answered_at", "sentiment_label", "sentiment_score")
            .order_by("-answered_at")[:limit],
        ),
        (
            "review",
            Review.objects.filter(scored, customer=customer)
            .values_list("published_at", "sentiment_label", "sentiment_score")
            .order_by("-published_at")[:limit],
        ),
    ]
    points = [
        SentimentPoint(at, source, label, score) for source, rows in sources for at, label, score in rows
    ]
    points.sort(key=lambda p: p.date, reverse=True)
    return points[:limit]


def feedback_items(*, kind: str = "", since: dt.datetime | None = None) -> QuerySet[Any]:
    """CSAT answers, NPS answers and reviews as one newest-first list of dicts (one UNION query).

    Each row: kind, id, customer_id, score (CSAT 1–5, NPS 0–10, review rating 1–5), text, sentiment_label,
    sentiment_score, at (answered or published), follow_up_ticket_id.
    """

    def shaped(qs: QuerySet[Any], name: str, score: str, text: str, at: str) -> QuerySet[Any]:
        if since is not None:
            qs = qs.filter(**{f"{at}__gte": since})
        rows: QuerySet[Any] = (
            qs.order_by()
            .annotate(
                f_kind=Value(name, output_field=CharField()),
                f_id=F("id"),
                f_customer_id=F("customer_id"),
                f_score=F(score),
                f_text=F(text),
                f_sentiment_label=F("sentiment_label"),
                f_sentiment_score=F("sentiment_score"),
                f_at=F(at),
                f_follow_up_ticket_id=F("follow_up_ticket_id"),
            )
            .values(
                "f_kind",
                "f_id",
                "f_customer_id",
                "f_score",
                "f_text",
                "f_sentiment_label",
                "f_sentiment_score",
                "f_at",
                "f_follow_up_ticket_id",
            )
        )
        return rows

    parts = {
        "csat": lambda: shaped(
            CsatSurvey.objects.filter(answered_at__isnull=False), "csat", "score", "comment", "answered_at"
        ),
        "nps": lambda: shaped(
            NpsResponse.objects.filter(answered_at__isnull=False), "nps", "score", "comment", "answered_at"
        ),
        "review": lambda: shaped(Review.objects.all(), "review", "rating", "text", "published_at"),
    }
    chosen = [parts[k]() for k in (KINDS if not kind else (kind,))]
    combined = chosen[0].union(*chosen[1:], all=True) if len(chosen) > 1 else chosen[0]
    return combined.order_by("-f_at", "f_kind", "-f_id")


# ---------------------------------------------------------------- NPS campaigns


class NpsScore(NamedTuple):
    asked: int
    answers: int
    promoters: int
    detractors: int

    @property
    def nps(self) -> int | None:
        """Promoters minus detractors, in % of the answers (-100…100); None before the first answer."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


NO_SCORE = NpsScore(0, 0, 0, 0)


def can_manage_campaigns(user: Viewer) -> bool:
    return bool(user.has_perm(MANAGE_CAMPAIGNS_PERMISSION))


def campaign_for(user: Viewer, campaign_id: int, *, write: bool = False) -> NpsCampaign:
    """The campaign if ``user`` may see it (and manage it, with write=True); else 403/404."""
    if not user.has_perm(VIEW_PERMISSION) or (write and not can_manage_campaigns(user)):
        raise PermissionDenied
    return get_object_or_404(NpsCampaign.objects.select_related("tag"), pk=campaign_id)


def campaign_list() -> QuerySet[NpsCampaign]:
    """Campaigns by name, each with its last run's time and counts."""
    last = NpsRun.objects.filter(campaign=OuterRef("pk")).order_by("-ran_at", "-id")
    return (
        NpsCampaign.objects.select_related("tag")
        .annotate(
            last_run_at=Subquery(last.values("ran_at")[:1]),
            last_run_sent=Subquery(last.values("sent")[:1]),
            last_run_failed=Subquery(last.values("failed")[:1]),
        )
        .order_by("name", "id")
    )


def campaign_scores(campaign_ids: list[int]) -> dict[int, NpsScore]:
    """Surveys sent, answers, promoters and detractors of these campaigns, in one aggregate query."""
    rows = (
        NpsResponse.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values("campaign_id")
        .annotate(
            asked=Count("id"),
            answers=Count("id", filter=Q(score__isnull=False)),
            promoters=Count("id", filter=Q(score__gte=9)),
            detractors=Count("id", filter=Q(score__lte=DETRACTOR_MAX)),
        )
    )
    return {
        r["campaign_id"]: NpsScore(r["asked"], r["answers"], r["promoters"], r["detractors"]) for r in rows
    }


def campaign_answers(campaign: NpsCampaign) -> QuerySet[NpsResponse]:
    """The campaign's answers, newest first."""
    return (
        NpsResponse.objects.filter(campaign=campaign, answered_at__isnull=False)
        .select_related("customer", "follow_up_ticket")
        .order_by("-answered_at", "-id")
    )
