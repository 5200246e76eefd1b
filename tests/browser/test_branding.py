"""Browser test: an admin sets the business's name and colour on its settings page and a customer sees them on
the support form (header, title, buttons, footer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from pelatis.core.business import CACHE_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_kept_profile() -> Iterator[None]:
    """The cache table outlives the flushed test database: drop the profile kept by this test."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def test_the_business_name_and_colour_set_in_the_ui_brand_the_support_form(
    live_server: Any, page_for: Any, log_in: Any, admin_user_: Any, artifacts: Any, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"  # a Greek business
    # the admin fills in the business details
    admin = page_for("el-GR")
    log_in(admin, live_server.url, "diaxeiristis", next_path="/settings/business/")
    admin.fill("#id_name", "Ξενοδοχείο Αιγαίο")
    admin.fill("#id_address", "Λεωφόρος Ποσειδώνος 12\n17561 Παλαιό Φάληρο")
    admin.fill("#id_phone", "+30 210 987 6543")
    admin.locator("[data-colour-picker]").fill("#1a7f5a")  # the picker writes the code into the field
    expect(admin.locator("#id_primary_colour")).to_have_value("#1a7f5a")
    admin.locator("[data-business-form] button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    expect(admin.locator(".sidebar .brand-name")).to_have_text("Ξενοδοχείο Αιγαίο")

    # a customer opens the support form
    customer = page_for("el-GR")
    customer.goto(f"{live_server.url}/support/")
    expect(customer.locator(".public-brand .brand-name")).to_have_text("Ξενοδοχείο Αιγαίο")
    expect(customer).to_have_title("Επικοινωνία · Ξενοδοχείο Αιγαίο")
    button = customer.locator("form button[type=submit].btn-primary")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(26, 127, 90)"
    expect(customer.locator("[data-business-footer]")).to_contain_text(
        "Λεωφόρος Ποσειδώνος 12, 17561 Παλαιό Φάληρο · +30 210 987 6543"
    )
    customer.screenshot(path=str(artifacts / "support-branded.png"), full_page=True)


def test_a_bad_colour_typed_in_the_ui_is_refused_next_to_its_field(
    live_server: Any, page_for: Any, log_in: Any, admin_user_: Any
) -> None:
    from playwright.sync_api import expect

    admin = page_for("en-GB")
    log_in(admin, live_server.url, "diaxeiristis", next_path="/settings/business/")
    admin.fill("#id_name", "Aegean Hotel")
    admin.fill("#id_primary_colour", "green-ish")
    admin.locator("[data-business-form] button[type=submit]").click()
    expect(admin.locator("[data-error-for=primary_colour]")).to_be_visible()
    expect(admin.locator("#id_name")).to_have_value("Aegean Hotel")  # what was typed stays
