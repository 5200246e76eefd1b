from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The staff UI shell: layout, navigation, login, language switch."""

    name = "pelatis.web"
    label = "web"
