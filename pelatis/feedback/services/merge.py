"""What a customer merge moves in the feedback app."""

from __future__ import annotations

from pelatis.customers.models import Customer

from ..models import CsatSurvey, NpsResponse, Review


def feedback_move_to_customer(survivor: Customer, merged: Customer) -> dict[str, int]:
    """Customer-merge participant: surveys and reviews of the merged customer now belong to the survivor
    (their consent, opt-outs of surveys included, moves with privacy's participant)."""
    return {
        "csat_surveys": CsatSurvey.objects.filter(customer=merged).update(customer=survivor),
        "nps_responses": NpsResponse.objects.filter(customer=merged).update(customer=survivor),
        "reviews": Review.objects.filter(customer=merged).update(customer=survivor),
    }
