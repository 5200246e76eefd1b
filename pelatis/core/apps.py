from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared core: template tags (``{% load pelatis_ui %}``) and the business profile."""

    name = "pelatis.core"
    label = "core"
    verbose_name = "Pelatis"
