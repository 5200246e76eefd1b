"""Engagement: segments of customers, personal email and SMS templates, campaigns and journeys."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "pelatis.engagement"
    label = "engagement"
    verbose_name = _("Engagement")
