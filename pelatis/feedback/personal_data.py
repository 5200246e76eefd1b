"""Feedback's part in a data-subject export and erasure (``PERSONAL_DATA`` in hooks.py).

Export: the customer's satisfaction surveys, NPS answers, and the reviews and mentions that are theirs
(linked to them, or unlinked with their email or phone as the author's).

Erasure keeps every number and date (ratings, scores, sentiment, when it was sent, answered, published)
so CSAT, NPS and review figures stay equal; it replaces what the person wrote and who they were: survey
comments, a review's text, author, author's email and phone, its link; our public answer is scrubbed of
their names. Text of other people's feedback that quotes them (their email, phone or full name) is
scrubbed too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from pelatis.core.formatting import platform_name
from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import identifying_terms, iso, label, labelled, rows_scrub
from pelatis.customers.locale_values import language_name
from pelatis.customers.models import ContactPoint

from .models import CsatSurvey, NpsResponse, Review


def _sentiment(code: str) -> str:
    return {
        "positive": pgettext("sentiment", "Positive"),
        "neutral": pgettext("sentiment", "Neutral"),
        "negative": pgettext("sentiment", "Negative"),
    }.get(code, "")


def _category(code: str) -> str:
    return {
        "promoter": _("Promoter (9–10)"),
        "passive": _("Passive (7–8)"),
        "detractor": _("Detractor (0–6)"),
    }.get(code, "")


def _language(code: str, reader: str) -> str:
    return language_name(code, reader) if code else ""


def _reviews_of(customer_id: int, terms: frozenset[str] = frozenset()) -> QuerySet[Review]:
    """The customer's reviews: linked to them, or unlinked with one of their emails or phones (or, in an
    erasure, of their former ones: ``terms``) as the author's."""
    points = ContactPoint.objects.filter(customer_id=customer_id).values_list("kind", "value")
    emails = {v.lower() for k, v in points if k == "email"} | {t.strip().lower() for t in terms if "@" in t}
    phones = {v for k, v in points if k != "email"} | {t.strip() for t in terms if "@" not in t}
    theirs = Q(customer_id=customer_id)
    if emails or phones:
        theirs |= Q(customer__isnull=True) & (Q(author_email__in=emails) | Q(author_phone__in=phones))
    return Review.objects.filter(theirs)


def feedback_terms(customer_id: int) -> set[str]:
    """The names, emails and phones the customer's reviews were signed with."""
    found: set[str] = set()
    for row in _reviews_of(customer_id).values_list("author", "author_email", "author_phone"):
        found |= {v.strip() for v in row if v and v.strip()}
    return found


def _common(row: Any, reader: str) -> dict[str, Any]:
    return {
        "sentiment": _sentiment(row.sentiment_label),
        "sentiment_code": row.sentiment_label,
        "language": _language(row.language, reader),
        "language_code": row.language,
    }


def _common_fields() -> dict[str, str]:
    return {
        "sentiment": _("The tone we read in your text (positive, neutral, negative), if any."),
        "sentiment_code": _("The tone as a code, for programs."),
        "language": _("The language of the survey or text."),
        "language_code": _("The language as a code, for programs."),
    }


_COMMON_LABELS = {"sentiment": gettext_lazy("sentiment"), "language": gettext_lazy("language")}
# The CSV's column labels (short; ``fields`` documents each column in a sentence).
_LABELS = {
    "satisfaction_surveys": {
        "request": gettext_lazy("request"),
        "created_at": gettext_lazy("created"),
        "sent_at": gettext_lazy("sent on"),
        "rating": gettext_lazy("rating"),
        "comment": gettext_lazy("comment"),
        "answered_at": gettext_lazy("answered"),
        **_COMMON_LABELS,
    },
    "nps_answers": {
        "survey": gettext_lazy("survey"),
        "sent_at": gettext_lazy("sent on"),
        "score": gettext_lazy("score"),
        "category": gettext_lazy("category"),
        "comment": gettext_lazy("comment"),
        "answered_at": gettext_lazy("answered"),
        **_COMMON_LABELS,
    },
    "reviews": {
        "platform": gettext_lazy("platform"),
        "kind": gettext_lazy("kind"),
        "rating": gettext_lazy("rating"),
        "text": gettext_lazy("text"),
        "author": gettext_lazy("author"),
        "author_email": gettext_lazy("author's email"),
        "author_phone": gettext_lazy("author's phone"),
        "link": gettext_lazy("link"),
        "published_at": gettext_lazy("published"),
        "received_at": gettext_lazy("received"),
        "our_answer": gettext_lazy("our answer"),
        "answered_at": gettext_lazy("answered"),
        **_COMMON_LABELS,
    },
}


def feedback_export(customer_id: int, language: str) -> list[Section]:
    """The customer's survey answers, NPS answers, reviews and mentions."""
    with translation.override(language):
        csat = [
            {
                "request": s.ticket_id,
                "created_at": iso(s.created_at),
                "sent_at": iso(s.sent_at),
                "rating": s.score,
                "comment": s.comment,
                "answered_at": iso(s.answered_at),
                **_common(s, language),
            }
            for s in CsatSurvey.objects.filter(customer_id=customer_id).order_by("created_at", "pk")
        ]
        nps = [
            {
                "survey": r.campaign.name,
                "sent_at": iso(r.sent_at),
                "score": r.score,
                "category": _category(r.category),
                "category_code": r.category,
                "comment": r.comment,
                "answered_at": iso(r.answered_at),
                **_common(r, language),
            }
            for r in NpsResponse.objects.filter(customer_id=customer_id)
            .select_related("campaign")
            .order_by("sent_at", "pk")
        ]
        reviews = [
            {
                "platform": platform_name(r.platform),
                "platform_code": r.platform,
                "kind": label(Review.Kind, r.kind),
                "kind_code": r.kind,
                "rating": r.rating,
                "text": r.text,
                "author": r.author,
                "author_email": r.author_email,
                "author_phone": r.author_phone,
                "link": r.url,
                "published_at": iso(r.published_at),
                "received_at": iso(r.received_at),
                "our_answer": r.answer,
                "answered_at": iso(r.answered_at),
                **_common(r, language),
            }
            for r in _reviews_of(customer_id).order_by("published_at", "pk")
        ]
        return labelled(
            [
                Section(
                    key="satisfaction_surveys",
                    title=_("Satisfaction surveys"),
                    rows=csat,
                    fields={
                        "request": _("The number of the request the survey asked about."),
                        "created_at": _("When the survey was prepared."),
                        "sent_at": _("When it was sent to you."),
                        "rating": _("Your rating from 1 to 5, if you gave one."),
                        "comment": _("Your comment."),
                        "answered_at": _("When you answered."),
                        **_common_fields(),
                    },
                ),
                Section(
                    key="nps_answers",
                    title=_("“Would you recommend us?” answers"),
                    rows=nps,
                    fields={
                        "survey": _("The survey that asked you."),
                        "sent_at": _("When it was sent to you."),
                        "score": _("Your score from 0 to 10, if you gave one."),
                        "category": _("Promoter (9–10), passive (7–8) or detractor (0–6)."),
                        "category_code": _("The category as a code, for programs."),
                        "comment": _("Why, in your words."),
                        "answered_at": _("When you answered."),
                        **_common_fields(),
                    },
                ),
                Section(
                    key="reviews",
                    title=_("Reviews and mentions"),
                    rows=reviews,
                    fields={
                        "platform": _("Where it was published."),
                        "platform_code": _("The platform as a code, for programs."),
                        "kind": _("A review or a mention."),
                        "kind_code": _("The kind as a code, for programs."),
                        "rating": _("The rating from 1 to 5, if any."),
                        "text": _("What was written."),
                        "author": _("The author's name as published."),
                        "author_email": _("The author's email, if the platform gave it."),
                        "author_phone": _("The author's phone, if the platform gave it."),
                        "link": _("The link to it on the platform."),
                        "published_at": _("When it was published."),
                        "received_at": _("When we received it."),
                        "our_answer": _("Our public answer, if any."),
                        "answered_at": _("When we answered."),
                        **_common_fields(),
                    },
                ),
            ],
            _LABELS,
        )


def _blank(rows: QuerySet[Any], field: str, value: str) -> int:
    """Set ``field`` to ``value`` on the rows where it holds anything (one UPDATE)."""
    return rows.exclude(**{field: ""}).update(**{field: value})


def feedback_erase(context: ErasureContext) -> ErasureReport:
    """Replace the person's words and identity in their feedback; keep every number and date."""
    cid, ph, terms = context.customer_id, context.placeholder, context.terms
    surveys = CsatSurvey.objects.filter(customer_id=cid)
    answers = NpsResponse.objects.filter(customer_id=cid)
    review_ids = list(_reviews_of(cid, terms).values_list("pk", flat=True))
    reviews = Review.objects.filter(pk__in=review_ids)
    counts = {
        "survey_comments": _blank(surveys, "comment", ph),
        "nps_comments": _blank(answers, "comment", ph),
        "reviews": len(review_ids),
    }
    for field in ("text", "author", "author_email", "author_phone"):
        _blank(reviews, field, ph)
    reviews.exclude(url="").update(url="")
    rows_scrub(reviews, ["answer", "external_id"], terms, ph)
    # Other people's feedback that quotes them: only what names this one person on its own.
    quoted = identifying_terms(terms)
    others = Review.objects.exclude(pk__in=review_ids)
    counts["feedback_quotes"] = (
        rows_scrub(others, ["text", "answer", "author"], quoted, ph, search=True)
        + rows_scrub(CsatSurvey.objects.exclude(customer_id=cid), ["comment"], quoted, ph, search=True)
        + rows_scrub(NpsResponse.objects.exclude(customer_id=cid), ["comment"], quoted, ph, search=True)
    )
    return ErasureReport(counts=counts)


PARTICIPANT = PersonalDataParticipant(
    app="feedback", export=feedback_export, erase=feedback_erase, terms=feedback_terms
)
