from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "pelatis.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from pelatis.helpdesk.services.tickets import OUTBOUND_SENDERS

        from .tasks import reply_email_enqueue

        # Replies go out through the task queue, after the reply's transaction commits.
        if reply_email_enqueue not in OUTBOUND_SENDERS:
            OUTBOUND_SENDERS.append(reply_email_enqueue)
        # The customer's page starts tickets (a call, a visit, an email we write) and shows their tickets.
        from pelatis.customers.views import PANELS, TICKET_STARTERS

        from .customer_page import ticket_start, tickets_panel

        if ticket_start not in TICKET_STARTERS:
            TICKET_STARTERS.append(ticket_start)
        if tickets_panel not in PANELS:
            PANELS.insert(0, tickets_panel)
