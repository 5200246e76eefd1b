from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "pelatis.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from pelatis.channels.jobs import JOBS

        from .jobs import job_csat_surveys

        JOBS.setdefault("csat_surveys", job_csat_surveys)
