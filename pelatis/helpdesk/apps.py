from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "pelatis.helpdesk"
    label = "helpdesk"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .defaults import defaults_ensure

        # What the help desk adds to other apps is declared in hooks.py.
        post_migrate.connect(defaults_ensure, sender=self, dispatch_uid="pelatis-helpdesk-defaults")
