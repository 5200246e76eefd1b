"""Demo feedback: an NPS campaign with Greek and English answers, and reviews from a few platforms (deterministic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from pelatis.customers.models import ContactPoint, Customer
from pelatis.helpdesk.models import Ticket

from .models import CsatSurvey, NpsCampaign, NpsResponse
from .services.csat import csat_answer, csat_survey_for
from .services.nps import nps_answer, nps_campaign_create, survey_language
from .services.reviews import review_ingest, review_input_clean

NPS_ANSWERS = {
    "el": [
        (10, "Άψογη εξυπηρέτηση, πάντα ευγενικοί και γρήγοροι. Σας προτείνω σε όλους!"),
        (9, "Πολύ καλή εμπειρία, θα ξαναέρθουμε σίγουρα."),
        (7, "Καλά ήταν, αλλά η παράδοση άργησε λίγο."),
        (3, "Απαράδεκτη καθυστέρηση και κανείς δεν απαντούσε στο τηλέφωνο."),
    ],
    "en": [
        (10, "Friendly staff and a spotless room. Highly recommended!"),
        (8, "Good value overall."),
        (5, "The booking was fine but the check-in took far too long."),
    ],
}
REVIEWS = [
    ("google", 5, "Υπέροχη διαμονή, πεντακάθαρο δωμάτιο και πολύ ευγενικό προσωπικό!", "el"),
    ("tripadvisor", 4, "Lovely location and a great breakfast, the room was a bit small.", "en"),
    ("google", 1, "Βρώμικο μπάνιο και αγενής υπάλληλος στη ρεσεψιόν. Απαράδεκτο.", "el"),
    ("booking", "9/10", "Excellent stay, we would come back.", "en"),
    ("facebook", None, "Πολύ απογοητευμένοι, η κράτησή μας χάθηκε και κανείς δεν βοήθησε.", "el"),
    ("tripadvisor", 3, "Καλό φαγητό, αλλά αργή εξυπηρέτηση το βράδυ.", "el"),
]


@transaction.atomic
def feedback_demo(customers: Sequence[Customer]) -> dict[str, int]:
    """NPS answers and reviews for the first demo customers; running it again adds nothing."""
    now = timezone.now()
    campaign = NpsCampaign.objects.filter(name="Quarterly NPS").first() or nps_campaign_create(
        name="Quarterly NPS"
    )
    made = {"nps": 0, "reviews": 0}
    asked: dict[str, int] = {}
    for i, customer in enumerate(customers[:40]):
        language = survey_language(customer)
        answers = NPS_ANSWERS.get(language)
        n = asked[language] = asked.get(language, -1) + 1
        if not answers or NpsResponse.objects.filter(customer=customer).exists():
            continue
        score, comment = answers[n % len(answers)]
        sent = now - dt.timedelta(days=3 + 9 * i)  # spread over the year, so the trend has a shape
        response = NpsResponse.objects.create(
            campaign=campaign,
            customer=customer,
            language=language,
            sent_at=sent,
            ask_again_after=sent + dt.timedelta(days=campaign.interval_days),
        )
        nps_answer(response=response, score=score, comment=comment)
        NpsResponse.objects.filter(pk=response.pk).update(answered_at=sent + dt.timedelta(hours=20))
        made["nps"] += 1
    made["csat"] = _csat_demo()
    for i, (platform, rating, text, language) in enumerate(REVIEWS):
        reviewer = customers[i] if i < len(customers) and i % 2 == 0 else None
        email = (
            ContactPoint.objects.filter(customer=reviewer, kind="email")
            .values_list("value", flat=True)
            .first()
            if reviewer is not None
            else None
        )
        data = review_input_clean(
            {
                "platform": platform,
                "external_id": f"demo-{i + 1}",
                "rating": rating,
                "text": text,
                "language": language,
                "author": reviewer.display_name
                if reviewer is not None
                else ("Μαρία Κ." if language == "el" else "John D."),
                "author_email": email or "",
                "url": f"https://{platform}.example/reviews/demo-{i + 1}",
                "published_at": (now - dt.timedelta(days=2 * i + 1)).isoformat(),
            }
        )
        _review, created = review_ingest(data=data)
        made["reviews"] += created
    return made


CSAT_SCORES = (5, 4, 5, 3, 5, 4, 2, 5)


def _csat_demo() -> int:
    """Ratings for the resolved demo requests, a day after each was resolved."""
    made = 0
    resolved = (
        Ticket.objects.filter(
            status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
            resolved_at__isnull=False,
            csat__isnull=True,
        )
        .select_related("customer")
        .order_by("pk")
    )
    for i, ticket in enumerate(resolved[:200]):
        resolved_at = ticket.resolved_at
        if resolved_at is None:  # not after the filter above; narrows the type
            continue
        survey = csat_survey_for(ticket=ticket)
        csat_answer(survey=survey, score=CSAT_SCORES[i % len(CSAT_SCORES)])
        day_after = resolved_at + dt.timedelta(days=1)
        CsatSurvey.objects.filter(pk=survey.pk).update(
            sent_at=resolved_at + dt.timedelta(hours=1), answered_at=min(day_after, timezone.now())
        )
        made += 1
    return made
