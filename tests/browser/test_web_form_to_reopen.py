"""The whole way of one request, as the issue tells it: a customer submits the web
form → the ticket appears in the inbox → an agent answers with a canned reply
after fixing a tone hint → the reply arrives at the SMTP server → the customer
answers by email → the same ticket reopens."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.helpdesk.models import CannedReply, Ticket
from tests.browser.helpers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_web_form_to_answer_to_reopen(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, smtp_server: Any, settings: Any
) -> None:
    import re

    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"
    cache.clear()
    # a customer submits the web form
    customer_page = page_for("el-GR")
    customer_page.goto(f"{live_server.url}/support/")
    customer_page.fill("#id_name", "Νίκος Δημητρίου")
    customer_page.fill("#id_email", "n.dimitriou@example.gr")
    customer_page.fill("#id_subject", "Προκαταβολή για τον Σεπτέμβριο")
    customer_page.fill("#id_message", "Καλησπέρα σας, πόσο είναι η προκαταβολή για 3 νύχτες;")
    customer_page.check("#id_consent")
    customer_page.locator("#support-form button[type=submit]").click()
    customer_page.wait_for_url(f"{live_server.url}/support/t/**")
    ticket = Ticket.objects.get()
    assert ticket.channel == "web"

    # the ticket appears in the inbox
    page = page_for("el-GR")
    log_in(page, live_server.url, "agent", next_path="/tickets/")
    row = page.locator(f"#inbox tr[data-ticket='{ticket.pk}']")
    expect(row).to_contain_text("Προκαταβολή για τον Σεπτέμβριο")
    row.locator("a.tk-subject").click()
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")

    # the agent answers with a canned reply, writes a blaming sentence, takes the suggestion
    page.select_option("#canned-pick", str(CannedReply.objects.get(name="Διαθεσιμότητα", language="el").pk))
    body = page.locator("#reply_body")
    expect(body).to_have_value(re.compile("σας ευχαριστούμε για το ενδιαφέρον σας"))
    body.click()
    page.keyboard.press("Control+End")
    body.press_sequentially("\nΓια την κράτηση χρωστάτε 90 ευρώ προκαταβολή.", delay=5)
    hint = page.locator(".tone-hint[data-rule='el-owe']")
    expect(hint).to_be_visible()
    hint.locator("[data-tone-apply]").first.click()
    expect(body).to_have_value(re.compile("τα αρχεία μας δείχνουν υπόλοιπο 90 ευρώ"))
    page.select_option("#reply_status", "resolved")
    page.locator("[data-send]").click()
    expect(page.locator("[data-ticket-status]")).to_have_attribute("data-ticket-status", "resolved")

    # the reply arrives at the SMTP server, in Greek, with the ticket token
    sent = wait_for(
        lambda: [
            m
            for m in smtp_server.messages
            if "τα αρχεία μας δείχνουν" in m.get_body(("plain",)).get_content()
        ]
    )[0]
    assert sent["To"] == "n.dimitriou@example.gr"
    assert f"[#{ticket.pk}]" in str(sent["Subject"])

    # the customer answers by email: the same ticket reopens
    answer = mail_ingest(
        mail(
            sender="Νίκος Δημητρίου <n.dimitriou@example.gr>",
            subject=f"Re: {sent['Subject']}",
            body="Ευχαριστώ, στέλνω την προκαταβολή αύριο.",
            in_reply_to=sent["Message-ID"],
        )
    )
    assert (answer.outcome, answer.ticket_id) == ("reply", ticket.pk)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator(f"#inbox tr[data-ticket='{ticket.pk}'] [data-status]")).to_have_attribute(
        "data-status", "open"
    )
