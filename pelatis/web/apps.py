from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The staff UI shell: layout, navigation, login, language switch."""

    name = "pelatis.web"
    label = "web"

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_secret_key_is_secret

        checks.register(check_secret_key_is_secret, checks.Tags.security, deploy=True)
