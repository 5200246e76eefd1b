"""The inbox an agent lives in, in a real Chromium: search in Greek without accents, a filter, j/k to move,
o to open, ? for the shortcuts, Ctrl+Enter to send a reply that takes the unassigned ticket and is signed
with the agent's name and title; and on a 375 px phone, the menu button and the inbox as cards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import AgentProfile, Message, Ticket
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _opened(customer: Customer, subject: str, body: str, hours_ago: float, **kwargs: Any) -> Ticket:
    ticket, _m = ticket_open(
        customer=customer,
        subject=subject,
        channel="phone",
        mail=InboundMail(body_text=body, received_at=timezone.now() - dt.timedelta(hours=hours_ago)),
        **kwargs,
    )
    return ticket


@pytest.fixture
def desk(papadopoulos: Customer, make_customer: Any, agent: Any) -> dict[str, Ticket]:
    type(agent).objects.filter(pk=agent.pk).update(first_name="Ελένη", last_name="Κωστοπούλου")
    AgentProfile.objects.create(user=agent, title="Υπεύθυνη κρατήσεων")
    maria = make_customer(first_name="Μαρία", last_name="Νικολάου", emails=["maria@example.gr"])
    tickets = {
        "august": _opened(
            papadopoulos,
            "Αλλαγή κράτησης για τον Αύγουστο",
            "Μπορούμε να έρθουμε στις 12 Αυγούστου;",
            5,
            priority="high",
        ),
        "cancel": _opened(maria, "Ακύρωση κράτησης", "Θα ήθελα να ακυρώσω.", 2),
        "water": _opened(maria, "Κρύο νερό στο δωμάτιο", "Δεν έχουμε ζεστό νερό.", 1, priority="urgent"),
    }
    # the SLA clocks follow business hours, so whether a ticket opened hours ago is already overdue depends on
    # the time of day the suite runs: every clock is set ahead, and a test that wants one overdue says so
    Ticket.objects.filter(pk__in=[t.pk for t in tickets.values()]).update(
        first_response_due=timezone.now() + dt.timedelta(days=1),
        next_response_due=None,
        resolution_due=timezone.now() + dt.timedelta(days=3),
    )
    return tickets


def test_search_filter_keys_and_ctrl_enter_reply(
    live_server: Any, page_for: Any, log_in: Any, artifacts: Path, agent: Any, desk: dict[str, Ticket]
) -> None:
    from playwright.sync_api import expect

    august, cancel = desk["august"], desk["cancel"]
    page = page_for("el-GR")
    log_in(page, live_server.url, "agent", next_path="/tickets/")
    listed = page.locator("#inbox tr[data-ticket]")
    expect(listed).to_have_count(3)

    # "/" focuses the search; Greek typed without accents finds the accented subjects
    page.keyboard.press("/")
    expect(page.locator("#f-q")).to_be_focused()
    page.keyboard.type("κρατηση", delay=20)
    expect(page).to_have_url(
        f"{live_server.url}/tickets/?view=all&q=%CE%BA%CF%81%CE%B1%CF%84%CE%B7%CF%83%CE%B7"
    )
    expect(listed).to_have_count(2)
    expect(page.locator("[data-search-summary]")).to_be_visible()

    # a filter narrows the search, and clearing it brings both back
    page.select_option("#f-priority", "high")
    expect(listed).to_have_count(1)
    expect(listed.first).to_have_attribute("data-ticket", str(august.pk))
    assert "priority=high" in page.url
    assert "q=" in page.url
    page.select_option("#f-priority", "")
    expect(listed).to_have_count(2)
    expect(listed.nth(0)).to_have_attribute("data-ticket", str(cancel.pk))  # newest first

    # j/k move through the list (out of the search box first)
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(page.locator("#inbox tr.kb-current")).to_have_attribute("data-ticket", str(cancel.pk))
    page.keyboard.press("j")
    expect(page.locator("#inbox tr.kb-current")).to_have_attribute("data-ticket", str(august.pk))
    page.keyboard.press("k")
    expect(page.locator("#inbox tr.kb-current")).to_have_attribute("data-ticket", str(cancel.pk))
    page.keyboard.press("j")
    expect(page.locator("#inbox tr.kb-current")).to_have_attribute("data-ticket", str(august.pk))

    # ? lists the shortcuts
    page.keyboard.press("?")
    dialog = page.locator("dialog[data-shortcuts]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ctrl")
    page.screenshot(path=str(artifacts / "inbox-search-shortcuts.png"), full_page=True)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # o opens the selected ticket
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/tickets/{august.pk}/")
    expect(page.locator("h1")).to_have_text("Αλλαγή κράτησης για τον Αύγουστο")

    # Ctrl+Enter in the reply box sends it
    body = page.locator("#reply_body")
    body.click()
    body.press_sequentially("Καλησπέρα σας, ναι, η αλλαγή έγινε.", delay=5)
    body.press("Control+Enter")
    reply = page.locator(".msg-out .msg-body").last
    expect(reply).to_contain_text("Καλησπέρα σας, ναι, η αλλαγή έγινε.")
    expect(reply).to_contain_text("Ελένη Κωστοπούλου")
    expect(reply).to_contain_text("Υπεύθυνη κρατήσεων")
    expect(page.locator(".hero-line")).to_contain_text("Ελένη Κωστοπούλου")  # assigned to the replier
    page.screenshot(path=str(artifacts / "ticket-signed-reply.png"), full_page=True)

    august.refresh_from_db()
    assert august.assignee_id == agent.pk
    stored = Message.objects.get(ticket=august, direction="out")
    assert stored.body_text.endswith("\n\nΕλένη Κωστοπούλου\nΥπεύθυνη κρατήσεων")
    assert "agent" not in stored.body_text


def test_phone_width_menu_button_and_ticket_cards(
    live_server: Any, browser: Any, log_in: Any, artifacts: Path, agent: Any, desk: dict[str, Ticket]
) -> None:
    from playwright.sync_api import expect

    Ticket.objects.filter(pk=desk["water"].pk).update(
        first_response_due=timezone.now() - dt.timedelta(minutes=40)
    )
    context = browser.new_context(
        locale="el-GR", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, "agent", next_path="/tickets/")

        # the navigation is folded behind the menu button
        toggle = page.locator("[data-nav-toggle]")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#main-nav")).to_be_hidden()

        # the inbox is a list of cards, each with status and SLA
        cards = page.locator("#inbox tr.tk-row")
        expect(cards).to_have_count(3)
        expect(page.locator(".inbox-table thead")).to_be_hidden()
        first = cards.first
        assert first.evaluate("el => getComputedStyle(el).display") == "grid"
        expect(first).to_have_attribute("data-ticket", str(desk["water"].pk))  # overdue first
        expect(first.locator("[data-status]")).to_be_visible()
        expect(first.locator("[data-sla='overdue']")).to_be_visible()
        box = first.bounding_box()
        assert box is not None
        assert box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
        page.screenshot(path=str(artifacts / "inbox-375-cards.png"), full_page=True)

        # the menu button opens the navigation
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#main-nav")).to_be_visible()
        expect(page.locator("#main-nav .nav-link.active")).to_be_visible()
        page.screenshot(path=str(artifacts / "inbox-375-menu.png"), full_page=False)
        page.locator("#main-nav .nav-link.active").click()
        page.wait_for_url(f"{live_server.url}/tickets/")
    finally:
        context.close()
