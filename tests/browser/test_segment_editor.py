"""The segment editor in a real Chromium: changing a rule's operator, adding an "or" group, choosing its
field and pressing Enter in the name redraw the rules and update the live count, and save nothing; the
page is never drawn inside itself. Only the Save button writes the segment."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create
from pelatis.engagement.models import Segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREEK = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]}


def _customer(first: str, last: str, language: str, tags: list[str] | None = None) -> None:
    customer_create(data=CustomerInput(first_name=first, last_name=last, language=language, tags=tags or []))


def test_only_save_saves_the_segment(
    live_server: Any, page_for: Any, log_in: Any, manager: Any, artifacts: Any
) -> None:
    from playwright.sync_api import expect

    for first, last in (("Γιώργος", "Παπαδόπουλος"), ("Ελένη", "Γεωργίου"), ("Νίκος", "Δημητρίου")):
        _customer(first, last, "el")
    _customer("John", "Smith", "en", tags=["VIP"])
    _customer("Mary", "Jones", "en")
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    edit_path = f"/engagement/segments/{segment.pk}/edit/"

    page = page_for("el-GR")
    log_in(page, live_server.url, "manager", next_path=edit_path)
    count = page.locator("#segment-count [data-live-count]")
    expect(count).to_have_attribute("data-live-count", "3")

    def unchanged() -> None:
        """Still the one editor page (no page inside the rules box) and nothing written."""
        assert page.url == f"{live_server.url}{edit_path}"
        expect(page.locator(".sidebar")).to_have_count(1)
        expect(page.locator("#segment-editor")).to_have_count(1)
        segment.refresh_from_db()
        assert segment.definition == GREEK

    # "is" → "is not": the rules are redrawn and recounted, not saved
    page.select_option("select[name='rules.0.op']", "ne")
    expect(count).to_have_attribute("data-live-count", "2")
    expect(page.locator("select[name='rules.0.op']")).to_have_value("ne")
    unchanged()

    # an "or" group: tagged VIP; choosing its field redraws it with the tag's operators and values
    page.locator('[data-add-group=""]').click()
    group_op = page.locator("select[name='rules.1.op']")
    expect(group_op).to_be_visible()
    group_op.select_option("or")
    page.select_option("select[name='rules.1.rules.0.field']", "customer.tags")
    expect(page.locator("select[name='rules.1.rules.0.op']")).to_be_visible()
    page.locator("select[name='rules.1.rules.0.value']").select_option(label="VIP")
    expect(count).to_have_attribute("data-live-count", "1")
    unchanged()

    # Enter in the name box is not a save either
    page.fill("#id_name", "Αγγλόφωνοι VIP")
    page.press("#id_name", "Enter")
    expect(page.locator("select[name='rules.1.rules.0.value']")).to_be_visible()
    expect(count).to_have_attribute("data-live-count", "1")
    unchanged()
    assert Segment.objects.count() == 1

    page.screenshot(path=str(artifacts / "segment-editor.png"), full_page=True)
    page.locator("#segment-form button[name=action][value=save]").click()
    page.wait_for_url(re.compile(rf".*/engagement/segments/{segment.pk}/$"))
    expect(page.locator("[data-total]")).to_have_attribute("data-total", "1")
    expect(page.locator(".sidebar")).to_have_count(1)
    segment.refresh_from_db()
    assert segment.name == "Αγγλόφωνοι VIP"
    assert segment.definition["rules"][0] == {"field": "customer.language", "op": "ne", "value": "el"}
    group = segment.definition["rules"][1]
    assert group["op"] == "or"
    assert group["rules"][0]["field"] == "customer.tags"
    assert Segment.objects.count() == 1
