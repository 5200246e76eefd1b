"""Redeeming at the counter from the customer's page, in a real Chromium: a redemption the balance covers
updates the card in place; one it does not shows the "not enough points" message in the card, and writes
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.loyalty.models import LedgerEntry
from pelatis.loyalty.services.ledger import points_adjust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_redeems_and_sees_a_short_balance_in_place(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, papadopoulos: Customer
) -> None:
    from playwright.sync_api import expect

    points_adjust(customer=papadopoulos, points=120, reason="Καλωσόρισμα", by=None)
    page = page_for("en-GB")
    log_in(page, live_server.url, "agent", next_path=f"/customers/{papadopoulos.pk}/")
    card = page.locator("#loyalty-card")
    expect(card.locator("[data-balance]")).to_have_attribute("data-balance", "120")

    # a redemption the balance covers: the card updates in place, on the same page
    card.locator("summary", has_text="Redeem at the counter").click()
    card.locator("#redeem_points").fill("100")
    card.locator("#redeem_reason").fill("Δείπνο για δύο")
    card.locator("button", has_text="Redeem").click()
    expect(page.locator("#loyalty-card [data-done]")).to_contain_text("Δείπνο για δύο")
    expect(page.locator("#loyalty-card [data-balance]")).to_have_attribute("data-balance", "20")
    assert page.url.endswith(f"/customers/{papadopoulos.pk}/")

    # one it does not cover: the message in the card, the form kept open with what was typed
    card = page.locator("#loyalty-card")
    card.locator("summary", has_text="Redeem at the counter").click()
    card.locator("#redeem_points").fill("50")
    card.locator("#redeem_reason").fill("Μασάζ")
    card.locator("button", has_text="Redeem").click()
    short = page.locator("#loyalty-card [data-short]")
    expect(short).to_contain_text("the balance is 20 points, 50 were asked for")
    expect(page.locator("#loyalty-card #redeem_reason")).to_have_value("Μασάζ")
    expect(page.locator("#loyalty-card [data-balance]")).to_have_attribute("data-balance", "20")
    assert list(LedgerEntry.objects.order_by("id").values_list("points", flat=True)) == [120, -100]
