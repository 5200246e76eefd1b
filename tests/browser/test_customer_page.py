"""The customer's page is where work starts, in a real Chromium: a ticket opened from it lands in its tickets
card, and the customer form warns while an email another customer has is typed."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ticket_started_on_the_customer_page_shows_in_its_tickets_card(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, papadopoulos: Customer
) -> None:
    from playwright.sync_api import expect

    page = page_for("en-GB")
    log_in(page, live_server.url, "agent", next_path=f"/customers/{papadopoulos.pk}/")
    expect(page.locator("#tickets")).to_contain_text("No tickets yet.")

    # when: the agent logs the call as a ticket from the page
    page.locator("#start-ticket summary").click()
    form = page.locator("#start-ticket form")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("select[name=type]").select_option("complaint")
    form.locator("input[name=subject]").fill("Κρύο νερό στο δωμάτιο 204")
    form.locator("textarea[name=body]").fill("Τηλεφώνησε: από χθες δεν έχει ζεστό νερό.")
    form.locator("button[type=submit]").click()

    # then: back on the customer's page, the ticket is in the card with its status, and on the timeline
    page.wait_for_url(f"{live_server.url}/customers/{papadopoulos.pk}/#tickets")
    ticket = Ticket.objects.get(customer=papadopoulos)
    row = page.locator(f"#tickets [data-ticket='{ticket.pk}']")
    expect(row).to_contain_text("Κρύο νερό στο δωμάτιο 204")
    expect(row.locator("[data-status]")).to_have_text(ticket.get_status_display())
    expect(page.locator("#timeline a[data-source='helpdesk.ticket']").first).to_have_attribute(
        "href", f"/tickets/{ticket.pk}/"
    )
    row.locator("a").click()
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")


def test_typing_an_email_another_customer_has_warns_before_saving(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, papadopoulos: Customer
) -> None:
    from playwright.sync_api import expect

    page = page_for("en-GB")
    log_in(page, live_server.url, "agent", next_path="/customers/new/")
    page.fill("#id_last_name", "Παπαδοπούλου")
    page.locator("#id_emails").press_sequentially("G.Papadopoulos@example.gr", delay=10)

    warning = page.locator("#emails-owners [data-owner]")
    expect(warning).to_contain_text("Γιώργος Παπαδόπουλος")
    expect(warning.locator("a")).to_have_attribute("href", f"/customers/{papadopoulos.pk}/")
    assert Customer.objects.count() == 1  # nothing saved while typing

    page.locator("#id_emails").fill("anna@example.gr")
    page.locator("#id_emails").press("End")
    page.locator("#id_emails").type(" ")
    expect(page.locator("#emails-owners [data-owner]")).to_have_count(0)
