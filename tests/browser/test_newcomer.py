"""A newcomer's first day, with no mail server configured (the out-of-the-box set-up): a customer writes
through the support form → an agent answers on the ticket → the answer is in the outbox as sent, and the
ticket says so → the customer's emailed answer (to that message) reopens the ticket. And the API docs
render with no network beyond this server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from pelatis.channels.models import OutboxMessage
from pelatis.channels.outbox import OUTBOX_BACKEND
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.helpdesk.models import Message, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Καλησπέρα σας, ναι: η προκαταβολή για 3 νύχτες είναι 90 ευρώ."


def test_no_smtp_form_request_answered_lands_in_the_outbox_and_the_emailed_answer_reopens(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, settings: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"
    settings.EMAIL_BACKEND = OUTBOX_BACKEND  # no PELATIS_EMAIL_HOST: what a fresh install does
    cache.clear()

    # a customer writes through the support form
    customer = page_for("el-GR")
    customer.goto(f"{live_server.url}/support/")
    customer.fill("#id_name", "Νίκος Δημητρίου")
    customer.fill("#id_email", "n.dimitriou@example.gr")
    customer.fill("#id_subject", "Προκαταβολή για τον Σεπτέμβριο")
    customer.fill("#id_message", "Καλησπέρα σας, πόσο είναι η προκαταβολή για 3 νύχτες;")
    customer.check("#id_consent")
    customer.locator("#support-form button[type=submit]").click()
    customer.wait_for_url(f"{live_server.url}/support/t/**")
    ticket = Ticket.objects.get()

    # an agent answers on the ticket
    page = page_for("el-GR")
    log_in(page, live_server.url, "agent", next_path=f"/tickets/{ticket.pk}/")
    page.fill("#reply_body", ANSWER)
    page.locator("[data-send]").click()
    expect(page.locator(".msg-out .msg-body").last).to_contain_text(ANSWER)

    # the ticket says where the answer went: sent, into the outbox
    reply = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    badge = page.locator(f"#m{reply.pk} [data-delivery]")
    expect(badge).to_have_attribute("data-delivery", "sent")
    expect(badge).to_have_attribute("data-outbox", "")
    page.screenshot(path=str(artifacts / "newcomer-ticket.png"), full_page=True)

    # the outbox lists it as sent and shows it as the customer will see it
    badge.click()
    stored = OutboxMessage.objects.get(message_id=reply.message_id)
    page.wait_for_url(f"{live_server.url}/outbox/{stored.pk}/")
    expect(page.frame_locator("iframe[data-email-html]").locator("body")).to_contain_text(ANSWER)
    expect(page.locator("[data-email-text]")).to_contain_text(ANSWER)
    expect(page.locator("[data-email-headers]")).to_contain_text(reply.message_id or "")
    expect(page.locator("[data-email-headers]")).to_contain_text("n.dimitriou@example.gr")
    page.screenshot(path=str(artifacts / "newcomer-outbox-message.png"), full_page=True)
    page.goto(f"{live_server.url}/outbox/")
    expect(page.locator(f"tr[data-outbox='{stored.pk}'] [data-delivery]")).to_have_attribute(
        "data-delivery", "sent"
    )
    expect(page.locator(f"tr[data-outbox='{stored.pk}']")).to_contain_text(f"#{ticket.pk}")

    # the customer answers that email: the same ticket reopens
    answer = mail_ingest(
        mail(
            sender="Νίκος Δημητρίου <n.dimitriou@example.gr>",
            subject=f"Re: {stored.subject}",
            body="Ευχαριστώ, στέλνω την προκαταβολή αύριο.",
            in_reply_to=stored.message_id,
        )
    )
    assert (answer.outcome, answer.ticket_id) == ("reply", ticket.pk)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator(f"#inbox tr[data-ticket='{ticket.pk}'] [data-status]")).to_have_attribute(
        "data-status", "open"
    )


def test_the_api_docs_render_with_no_network_beyond_this_server(live_server: Any, page_for: Any) -> None:
    from playwright.sync_api import expect

    page = page_for("en-GB")
    elsewhere: list[str] = []
    local = urlsplit(live_server.url).netloc

    def only_here(route: Any) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Pelatis API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text(re.compile(r"/api/v1/customers"))
    assert elsewhere == []
