"""Every write of the feedback app, by sub-domain: CSAT, NPS, reviews, consent."""

from __future__ import annotations

from .consent import feedback_opt_in, feedback_opt_out, feedback_opted_out, optout_from_token, optout_token
from .csat import csat_answer, csat_from_token, csat_survey_for, csat_token
from .nps import nps_answer, nps_campaign_create, nps_campaign_run, nps_from_token, nps_send, nps_token
from .reviews import ReviewInput, review_answer, review_customer_match, review_ingest, review_input_clean

__all__ = [
    "ReviewInput",
    "csat_answer",
    "csat_from_token",
    "csat_survey_for",
    "csat_token",
    "feedback_opt_in",
    "feedback_opt_out",
    "feedback_opted_out",
    "nps_answer",
    "nps_campaign_create",
    "nps_campaign_run",
    "nps_from_token",
    "nps_send",
    "nps_token",
    "optout_from_token",
    "optout_token",
    "review_answer",
    "review_customer_match",
    "review_ingest",
    "review_input_clean",
]
