"""A customer opens the preferences link of our email in a real Chromium, ticks offers by email, objects
to surveys by SMS and saves: the page thanks them and their choices are recorded. Chromium posts the
form with the page's real origin (a no-referrer page would post "Origin: null" and fail the CSRF check),
and no request the page makes carries the link's token in its Referer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create
from pelatis.privacy.links import preferences_path
from pelatis.privacy.queries import consent_allows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_saves_their_preferences_in_chromium(
    live_server: Any, page_for: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    cache.clear()  # fresh rate-limit and bad-link counters
    customer = customer_create(
        data=CustomerInput(
            first_name="Ελένη",
            last_name="Κωνσταντίνου",
            title="κα",
            language="el",
            emails=["eleni@example.gr"],
        )
    )
    path = preferences_path(customer)
    token = path.rstrip("/").rsplit("/", 1)[1]
    page = page_for("el-GR")
    sent: list[tuple[str, str, dict[str, str]]] = []  # method, URL, the headers Chromium sent
    page.on("request", lambda request: sent.append((request.method, request.url, request.all_headers())))

    page.goto(f"{live_server.url}{path}")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("input[name='marketing.email']")).not_to_be_checked()  # offers only after a yes
    expect(page.locator("input[name='surveys.sms']")).to_be_checked()  # sent until they object
    page.check("input[name='marketing.email']")
    page.uncheck("input[name='surveys.sms']")
    page.locator("[data-preferences] button[type=submit]").click()

    expect(page.locator("[data-preferences-saved]")).to_have_attribute("data-preferences-saved", "2")
    expect(page.locator("input[name='marketing.email']")).to_be_checked()
    expect(page.locator("input[name='surveys.sms']")).not_to_be_checked()
    page.screenshot(path=str(artifacts / "preferences-saved.png"), full_page=True)
    assert consent_allows(customer.pk, "marketing", "email") is True
    assert consent_allows(customer.pk, "surveys", "sms") is False
    assert consent_allows(customer.pk, "surveys", "email") is True

    [post] = [headers for method, _url, headers in sent if method == "POST"]
    assert post["origin"] == live_server.url
    assert [url for _method, url, headers in sent if token in headers.get("referer", "")] == []
