"""Privacy: each customer's consent per purpose and channel, with its full history."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "pelatis.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
