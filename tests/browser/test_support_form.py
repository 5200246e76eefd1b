"""A customer writes to the business through the public support form, in a real Chromium."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import formats, timezone, translation

from pelatis.helpdesk.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_sends_the_greek_form_and_lands_on_the_ticket_page(
    live_server: Any, page_for: Any, artifacts: Path, smtp_server: Any, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"  # the business's language: the public pages speak it by default
    cache.clear()  # a fresh rate-limit window
    page = page_for("el-GR")
    page.goto(f"{live_server.url}/support/")
    expect(page.locator("html")).to_have_attribute("lang", "el")

    # given: a customer who fills everything but forgets the consent box
    page.locator("label", has=page.locator("input[name=type][value=complaint]")).click()
    page.fill("#id_name", "Ελένη Κωνσταντίνου")
    page.fill("#id_email", "eleni.k@example.gr")
    page.fill("#id_phone", "697 765 4321")
    page.fill("#id_subject", "Διπλή χρέωση για το πρωινό")
    page.fill("#id_message", "Καλησπέρα σας,\nστον λογαριασμό του δωματίου 12 το πρωινό χρεώθηκε δύο φορές.")
    page.locator("#support-form button[type=submit]").click()

    # then: the error stands next to the box and nothing typed is lost
    expect(page.locator("[data-error-for=consent]")).to_be_visible()
    expect(page.locator("#id_message")).to_have_value(
        "Καλησπέρα σας,\nστον λογαριασμό του δωματίου 12 το πρωινό χρεώθηκε δύο φορές."
    )
    assert Ticket.objects.count() == 0

    # when: they agree and send again
    page.check("#id_consent")
    page.locator("#support-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/support/t/**")

    # then: the ticket page shows the request, when to expect an answer and the acknowledgement
    ticket = Ticket.objects.select_related("customer").get()
    assert (ticket.channel, ticket.type, ticket.language) == ("web", "complaint", "el")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("h1")).to_have_text("Διπλή χρέωση για το πρωινό")
    expect(page.locator(".alert-success")).to_be_visible()
    assert ticket.first_response_due is not None
    with translation.override("el"):
        local = timezone.localtime(
            ticket.first_response_due, timezone=zoneinfo.ZoneInfo(ticket.customer.time_zone)
        )
        due = formats.date_format(local, "l j E, H:i")
    expect(page.locator("[data-expectation]")).to_contain_text(due)
    expect(page.locator("[data-expectation]")).to_contain_text("e•••@example.gr")
    expect(page.locator("#conversation [data-kind=in]")).to_contain_text("χρεώθηκε δύο φορές")
    expect(
        page.locator("[data-visitor-view]")
    ).to_be_visible()  # answers only after the address proves itself
    expect(page.locator("#conversation [data-kind=ack]")).to_have_count(0)
    expect(page.locator("#reply-form textarea")).to_be_visible()
    page.screenshot(path=str(artifacts / "support-form.png"), full_page=True)

    # and: the acknowledgement went out by email, in Greek, with the request's own link
    [ack] = smtp_server.messages
    assert ack["To"] == "eleni.k@example.gr"
    assert f"[#{ticket.pk}]" in ack["Subject"]
    text = ack.get_body(("plain",)).get_content()
    assert "Διπλή χρέωση για το πρωινό" in text
    [link] = re.findall(r"https?://[^/\s]+(/support/t/[^/\s]+/)", text)

    # when: the customer opens it from the mailbox and confirms
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("[data-confirm-request]")).to_contain_text("χρεώθηκε δύο φορές")
    page.screenshot(path=str(artifacts / "support-confirm.png"), full_page=True)
    page.locator("[data-confirm-request] button[type=submit]").click()

    # then: the whole conversation is theirs to follow
    expect(page.locator("#conversation [data-kind=ack]")).to_be_visible()
    expect(page.locator("[data-visitor-view]")).to_have_count(0)
    expect(page.locator("#reply-form textarea")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.requester_verified_at is not None
    page.screenshot(path=str(artifacts / "support-confirmed.png"), full_page=True)
