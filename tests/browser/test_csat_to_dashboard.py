"""From a resolved ticket to the dashboard: the agent resolves with an answer, the rating email
arrives over SMTP, the customer clicks "5" in it, and the manager's dashboard moves from no CSAT to
100 % (and the CSV of the chart says the same)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.feedback.jobs import csat_send
from pelatis.helpdesk.models import Ticket
from tests.browser.helpers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resolved_ticket_csat_click_moves_the_dashboard(
    live_server: Any,
    page_for: Any,
    log_in: Any,
    agent: Any,
    manager: Any,
    smtp_server: Any,
    settings: Any,
    artifacts: Any,
) -> None:
    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"
    cache.clear()
    arrived = mail_ingest(mail())
    assert arrived.ticket_id is not None
    ticket = Ticket.objects.get(pk=arrived.ticket_id)

    # the manager's dashboard: no rating yet
    boss = page_for("el-GR")
    log_in(boss, live_server.url, "manager", next_path="/dashboard/")
    csat_tile = boss.locator("[data-summary] .stat").first
    expect(csat_tile.locator(".value")).to_have_text("—")

    # the agent answers and resolves the ticket in the browser
    page = page_for("el-GR")
    log_in(page, live_server.url, "agent", next_path=f"/tickets/{ticket.pk}/")
    page.locator("#reply_body").fill("Καλησπέρα σας, η κράτηση έγινε. Σας περιμένουμε!")
    page.select_option("#reply_status", "resolved")
    page.locator("[data-send]").click()
    expect(page.locator("[data-ticket-status]")).to_have_attribute("data-ticket-status", "resolved")

    # an hour later the worker sends the rating email; it arrives over SMTP in Greek
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(hours=2))
    before = len(smtp_server.messages)
    assert csat_send(ticket.pk, base_url=live_server.url)
    message = wait_for(lambda: smtp_server.messages[before:] and smtp_server.messages[-1])
    body = message.get_body(("plain",)).get_content()
    links = re.findall(re.escape(live_server.url) + r"(/feedback/r/[^/\s]+/)", body)
    assert len(links) == 5

    # the customer clicks "5" (very satisfied)
    customer = page_for("el-GR")
    customer.goto(live_server.url + links[4])
    expect(customer.locator("body")).to_contain_text("5")

    # the manager recomputes: CSAT moves to 100 %, and the chart's CSV agrees
    boss.reload()
    boss.locator("[data-refresh]").click()
    expect(csat_tile.locator(".value")).to_have_text("100,0 %")  # Greek decimal comma
    expect(boss.locator("#chart-feedback")).to_be_visible()
    boss.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    with boss.expect_download() as download:
        boss.locator("a[href*='/dashboard/csv/feedback/']").click()
    with open(download.value.path(), encoding="utf-8-sig") as downloaded:
        text = downloaded.read()
    assert (
        f"{timezone.localdate():%m/%Y};100,0;1;" in text
    )  # the CSV a Greek Excel opens: ';' and decimal comma
