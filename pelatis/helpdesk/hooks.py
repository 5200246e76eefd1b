"""What the help desk adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- A customer merge carries the merged customer's tickets along.
- Timeline entries of a ticket link to the ticket's page.
"""

from __future__ import annotations

from django.urls import reverse

from .services.merge import tickets_move_to_customer


def _ticket_links(ids: list[str]) -> dict[str, str]:
    return {i: reverse("helpdesk:ticket", args=[int(i)]) for i in ids if i.isdigit()}


CUSTOMER_MERGE_PARTICIPANTS = [tickets_move_to_customer]
CUSTOMER_TIMELINE_LINKS = {"helpdesk.ticket": _ticket_links}

# The data-subject rights (privacy): the person's tickets, messages and attachments.
from pelatis.core.personaldata import PersonalDataParticipant  # noqa: E402 — appended by area

from .personal_data import helpdesk_erase, helpdesk_export  # noqa: E402

PERSONAL_DATA = [PersonalDataParticipant(app="helpdesk", export=helpdesk_export, erase=helpdesk_erase)]
