"""What customers tell us: CSAT and NPS with their response rates, reviews and mentions, and the
monthly feedback trend (definitions in docs/metrics.md)."""

from __future__ import annotations

from django.db.models import Avg, Count, Q

from pelatis.feedback.models import CsatSurvey, NpsResponse, Review

from .base import Filters, Json, customer_q, event_month, months_of, pct, rounded, span, ticket_q


def _in(field: str, f: Filters, **more: object) -> Q:
    """``field`` falls inside the period (and the extra conditions hold)."""
    lo, hi = span(f)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi}, **more)


def csat(f: Filters) -> Json:
    """CSAT % = ratings 4–5 / all ratings answered in the period; response rate = answered / sent."""
    surveys = CsatSurvey.objects.filter(ticket_q(f, "ticket"))
    row = surveys.aggregate(
        answered=Count("pk", filter=_in("answered_at", f, score__isnull=False)),
        happy=Count("pk", filter=_in("answered_at", f, score__gte=4)),
        sent=Count("pk", filter=_in("sent_at", f)),
        sent_answered=Count("pk", filter=_in("sent_at", f, score__isnull=False)),
    )
    return {
        "answered": row["answered"],
        "satisfied": row["happy"],
        "csat_pct": pct(row["happy"], row["answered"]),
        "sent": row["sent"],
        "response_rate_pct": pct(row["sent_answered"], row["sent"]),
    }


def _nps_score(promoters: int, detractors: int, answered: int) -> float | None:
    return round(100.0 * (promoters - detractors) / answered, 1) if answered else None


def nps(f: Filters) -> Json:
    """NPS = % promoters (9–10) − % detractors (0–6) among answers in the period."""
    responses = NpsResponse.objects.filter(customer_q(f))
    row = responses.aggregate(
        answered=Count("pk", filter=_in("answered_at", f, score__isnull=False)),
        promoters=Count("pk", filter=_in("answered_at", f, score__gte=9)),
        detractors=Count("pk", filter=_in("answered_at", f, score__lte=6)),
        sent=Count("pk", filter=_in("sent_at", f)),
        sent_answered=Count("pk", filter=_in("sent_at", f, score__isnull=False)),
    )
    answered = row["answered"]
    return {
        "answered": answered,
        "promoters": row["promoters"],
        "detractors": row["detractors"],
        "passives": answered - row["promoters"] - row["detractors"],
        "nps": _nps_score(row["promoters"], row["detractors"], answered),
        "sent": row["sent"],
        "response_rate_pct": pct(row["sent_answered"], row["sent"]),
    }


def reviews(f: Filters) -> Json:
    """Reviews and mentions published in the period: count, average rating (rated ones), negative share
    (rated 1–2, or unrated with negative sentiment) and the share we answered."""
    negative = Q(rating__lte=2) | Q(rating__isnull=True, sentiment_label="negative")
    row = Review.objects.filter(customer_q(f), _in("published_at", f)).aggregate(
        n=Count("pk"),
        mean_rating=Avg("rating"),
        negative=Count("pk", filter=negative),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    return {
        "reviews": row["n"],
        "average_rating": rounded(row["mean_rating"], 2),
        "negative_pct": pct(row["negative"], row["n"]),
        "answered_pct": pct(row["answered"], row["n"]),
    }


def feedback_trend(f: Filters) -> list[Json]:
    """CSAT % and NPS per month of the period (two grouped queries)."""
    by_month: list[Json] = [
        {"month": m, "csat_pct": None, "csat_answered": 0, "nps": None, "nps_answered": 0}
        for m in months_of(f)
    ]
    csat_rows = (
        CsatSurvey.objects.filter(ticket_q(f, "ticket"), _in("answered_at", f, score__isnull=False))
        .annotate(m=event_month("answered_at", f))
        .values("m")
        .annotate(n=Count("pk"), happy=Count("pk", filter=Q(score__gte=4)))
        .order_by()
    )
    for row in csat_rows:
        by_month[row["m"]].update(csat_pct=pct(row["happy"], row["n"]), csat_answered=row["n"])
    nps_rows = (
        NpsResponse.objects.filter(customer_q(f), _in("answered_at", f, score__isnull=False))
        .annotate(m=event_month("answered_at", f))
        .values("m")
        .annotate(
            n=Count("pk"), pro=Count("pk", filter=Q(score__gte=9)), de=Count("pk", filter=Q(score__lte=6))
        )
        .order_by()
    )
    for answers in nps_rows:
        by_month[answers["m"]].update(
            nps=_nps_score(answers["pro"], answers["de"], answers["n"]), nps_answered=answers["n"]
        )
    return by_month
