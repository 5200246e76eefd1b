from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "pelatis.helpdesk"
    label = "helpdesk"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from pelatis.customers.services import MERGE_PARTICIPANTS

        from .defaults import defaults_ensure
        from .services.tickets import tickets_move_to_customer

        post_migrate.connect(defaults_ensure, sender=self, dispatch_uid="pelatis-helpdesk-defaults")
        # A customer merge carries the merged customer's tickets along.
        if tickets_move_to_customer not in MERGE_PARTICIPANTS:
            MERGE_PARTICIPANTS.append(tickets_move_to_customer)
