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
        # Timeline entries of a ticket link to the ticket's page.
        from pelatis.customers.views import TIMELINE_LINKS

        TIMELINE_LINKS.setdefault("helpdesk.ticket", _ticket_links)


def _ticket_links(ids: list[str]) -> dict[str, str]:
    from django.urls import reverse

    return {i: reverse("helpdesk:ticket", args=[int(i)]) for i in ids if i.isdigit()}
