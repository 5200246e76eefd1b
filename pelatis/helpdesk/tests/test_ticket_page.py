"""The ticket page: conversation, history, SLA and the customer beside it; complaint stages, status and
assignment forms, the merge flow, attachments to download and the SLA state shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Attachment, Team
from pelatis.helpdesk.services.messages import InboundMail, message_receive, note_add, reply_send
from pelatis.helpdesk.services.tickets import ticket_assign, ticket_open
from pelatis.helpdesk.templatetags.helpdesk_ui import sla_state_of
from pelatis.helpdesk.tests.pages import HTMX, rows, url

# ---------------------------------------------------------------- the ticket page


def test_ticket_page_shows_conversation_history_sla_and_customer(
    client_as: Any, agent: Any, papadopoulos: Customer, make_order: Any
) -> None:
    make_order(papadopoulos, "ORD-5501", total="120.00")
    ticket, _m = ticket_open(
        customer=papadopoulos,
        subject="Κράτηση Αυγούστου",
        mail=InboundMail(
            body_text="Έχετε δίκλινο;\n\n> Στις 3/8 γράψατε:\n> παλιό κείμενο",
            visible_text="Έχετε δίκλινο;",
            from_email="g.papadopoulos@example.gr",
        ),
    )
    reply_send(ticket=ticket, body_text="Ναι, έχουμε.", by=agent, send_email=False)

    note_add(ticket=ticket, body_text="Πελάτης VIP, προσοχή", by=agent)
    ticket_assign(ticket=ticket, agent=agent)
    html = client_as(agent).get(url("ticket", ticket.pk)).content.decode()
    # the three kinds of message look different
    assert 'class="msg msg-in"' in html
    assert 'class="msg msg-out"' in html
    assert 'class="msg msg-note"' in html
    # the visible text, with the full text folded away
    assert "Έχετε δίκλινο;" in html
    assert '<details class="msg-full">' in html
    assert "παλιό κείμενο" in html
    # history names the people
    assert "Assigned to agent" in html
    assert "Status: New → Pending customer" in html
    # SLA due times and the policy
    assert 'id="sla-card"' in html
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.name in html
    # the customer panel: form of address, contact points, orders, full-page link
    assert "κ. Παπαδόπουλος" in html
    assert "g.papadopoulos@" in html
    assert "+30 697 123 4567" in html
    assert "ORD-5501" in html
    assert f'href="{reverse("customers:detail", args=[papadopoulos.pk])}"' in html


def test_complaint_stages_timeline_and_advance(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Κρύο νερό", type="complaint")
    c = client_as(agent)
    html = c.get(url("ticket", ticket.pk)).content.decode()
    assert 'data-stage="received"' in html
    assert 'class="step step-current" data-stage="received"' in html
    response = c.post(url("stage", ticket.pk), {"stage": "investigating", "note": "Ελέγχει ο τεχνικός"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.stage == "investigating"
    html = c.get(url("ticket", ticket.pk)).content.decode()
    assert 'class="step step-done" data-stage="received"' in html
    assert 'class="step step-current" data-stage="investigating"' in html
    assert "Ελέγχει ο τεχνικός" in html
    # backwards is refused by the service, shown next to the field
    back = c.post(url("stage", ticket.pk), {"stage": "received"}, headers=HTMX)
    assert back.status_code == 422
    assert 'data-error-for="stage"' in back.content.decode()
    ticket.refresh_from_db()
    assert ticket.stage == "investigating"


def test_status_and_assignment_forms(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    team = Team.objects.create(name="Λογιστήριο")
    c = client_as(agent)
    assert c.post(url("status", ticket.pk), {"status": "on_hold"}, headers=HTMX)["HX-Redirect"] == url(
        "ticket", ticket.pk
    )
    ticket.refresh_from_db()
    assert ticket.status == "on_hold"
    bad = c.post(url("status", ticket.pk), {"status": "new"}, headers=HTMX)
    assert bad.status_code == 422
    body = bad.content.decode()
    assert body.lstrip().startswith('<section class="card" id="props-card"')
    assert "A ticket cannot go back to new." in body
    assert c.post(url("assign", ticket.pk), {"assignee": manager.pk, "team": team.pk}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.team_id) == (manager.pk, team.pk)
    # only staff who may work on tickets can be chosen
    outsider_like = type(agent).objects.create_user("visitor", password="x")
    refused = c.post(url("assign", ticket.pk), {"assignee": outsider_like.pk}, headers=HTMX)
    assert refused.status_code == 422
    assert 'data-error-for="assignee"' in refused.content.decode()


# ---------------------------------------------------------------- merge


def test_merge_flow(client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any) -> None:
    first = open_ticket(papadopoulos, subject="Κράτηση", body="Θέλω δωμάτιο")
    duplicate = open_ticket(papadopoulos, subject="Κράτηση (ξανά)", body="Το ξαναστέλνω")
    c = client_as(agent)
    # the confirmation page shows both tickets and changes nothing
    confirm = c.get(url("merge", duplicate.pk), {"into": first.pk})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Κράτηση (ξανά)" in html
    assert f"Merge #{duplicate.pk} into #{first.pk}" in html
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    # bad targets are named next to the field
    assert c.get(url("merge", duplicate.pk), {"into": duplicate.pk}).status_code == 422
    missing = c.post(url("merge", duplicate.pk), {"into": 999_999})
    assert missing.status_code == 422
    assert "There is no ticket #999999." in missing.content.decode()
    # when: confirmed
    done = c.post(url("merge", duplicate.pk), {"into": first.pk})
    # then
    assert done.status_code == 302
    assert done["Location"] == url("ticket", first.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == first.pk
    assert first.messages.count() == 2
    merged_page = c.get(url("ticket", duplicate.pk)).content.decode()
    assert "data-merged" in merged_page
    assert f'Merged into <a href="{url("ticket", first.pk)}">#{first.pk}</a>' in merged_page
    assert 'id="composer"' not in merged_page
    survivor_page = c.get(url("ticket", first.pk)).content.decode()
    assert "Το ξαναστέλνω" in survivor_page
    assert f"Ticket #{duplicate.pk} was merged into this one" in survivor_page
    # merged tickets leave the inbox
    assert duplicate.pk not in rows(c.get(url("inbox")).content.decode())


# ---------------------------------------------------------------- attachments


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_attachment_download_checks_permission(
    client_as: Any,
    client: Client,
    agent: Any,
    outsider: Any,
    papadopoulos: Customer,
    open_ticket: Any,
    media: Any,
) -> None:
    ticket = open_ticket(papadopoulos)
    message = ticket.messages.get()
    kept = Attachment(message=message, filename="τιμολόγιο.pdf", content_type="application/pdf", size=13)
    kept.file.save("invoice.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    blocked = Attachment.objects.create(
        message=message,
        filename="setup.exe",
        content_type="application/x-dosexec",
        size=5,
        rejected="blocked file type application/x-dosexec",
    )
    # anonymous and outsiders get nothing
    assert client.get(url("attachment", kept.pk)).status_code == 302
    assert client_as(outsider).get(url("attachment", kept.pk)).status_code == 403
    # the agent gets the file as a download with its stored type and Greek name
    response = client_as(agent).get(url("attachment", kept.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%cf%84%ce%b9%ce%bc" in response["Content-Disposition"].lower()
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    # a rejected file cannot be downloaded; the page says why
    assert client_as(agent).get(url("attachment", blocked.pk)).status_code == 404
    html = client_as(agent).get(url("ticket", ticket.pk)).content.decode()
    assert url("attachment", kept.pk) in html
    assert url("attachment", blocked.pk) not in html
    assert "setup.exe" in html
    assert "blocked file type application/x-dosexec" in html


# ---------------------------------------------------------------- SLA state


def test_sla_state_due_overdue_paused(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    now = timezone.now()
    ticket = open_ticket(papadopoulos)
    ticket.first_response_due = now + dt.timedelta(hours=3, minutes=10)
    ticket.resolution_due = now + dt.timedelta(days=2)
    state = sla_state_of(ticket, now)
    assert (state.kind, state.label) == ("due", "due in 3\xa0hours, 10\xa0minutes")
    ticket.first_response_due = now + dt.timedelta(minutes=20)
    assert sla_state_of(ticket, now).kind == "soon"
    ticket.first_response_due = now - dt.timedelta(minutes=45)
    assert sla_state_of(ticket, now).label == "overdue by 45\xa0minutes"
    reply_send(ticket=ticket, body_text="Σας απαντάμε σύντομα.", by=agent, send_email=False)
    ticket.refresh_from_db()
    assert sla_state_of(ticket, now).kind == "paused"  # pending customer stops the clock
    message_receive(ticket=ticket, mail=InboundMail(body_text="Ευχαριστώ"))
    ticket.refresh_from_db()
    assert sla_state_of(ticket).kind in ("due", "soon", "overdue")
