"""Feedback: CSAT after resolution and NPS on a schedule (signed one-click links), reviews and mentions,
sentiment of feedback text, and follow-up of unhappy customers."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "pelatis.feedback"
    label = "feedback"
    verbose_name = _("Feedback")
