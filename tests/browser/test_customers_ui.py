"""End-to-end flows a member of staff goes through, in a real Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.customers.services import interaction_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_greeklish_then_open_the_360_page(
    live_server: Any,
    page_for: Any,
    log_in: Any,
    artifacts: Path,
    agent: Any,
    papadopoulos: Customer,
    make_customer: Any,
    make_order: Any,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    settings.LANGUAGE_CODE = "el"  # the business's language: the UI speaks it until a user switches

    # given: a small customer book with orders and a timeline
    make_customer(first_name="Μαρία", last_name="Νικολάου", emails=["maria@example.gr"])
    make_order(papadopoulos, "ORD-7001", total="170.00", when=timezone.now() - dt.timedelta(days=30))
    make_order(papadopoulos, "ORD-7002", total="45.00")
    interaction_record(
        customer=papadopoulos,
        channel="phone",
        direction="in",
        summary="Ρώτησε για διαθεσιμότητα τον Αύγουστο",
    )
    page = page_for("el-GR")
    log_in(page, live_server.url, "agent")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("#results")).to_contain_text("Νικολάου")

    # when: typing Greeklish in the search box
    page.locator("#q").press_sequentially("papadopoulos", delay=20)

    # then: the live results show the Greek name, and only it; the URL follows
    expect(page.locator("#results")).not_to_contain_text("Νικολάου")
    expect(page.locator("#results")).to_contain_text("Παπαδόπουλος")
    expect(page).to_have_url(f"{live_server.url}/customers/?q=papadopoulos")

    page.locator("#results a", has_text="Παπαδόπουλος").first.click()
    page.wait_for_url(f"{live_server.url}/customers/{papadopoulos.pk}/")
    expect(page.locator("h1")).to_have_text("Γιώργος Παπαδόπουλος")
    expect(page.locator(".address-as")).to_have_text("κ. Παπαδόπουλος")
    expect(page.locator("#orders")).to_contain_text("ORD-7001")
    expect(page.locator("#orders")).to_contain_text("ORD-7002")
    expect(page.locator("[data-order-count]")).to_have_text("2")
    expect(page.locator("#timeline .tl-item[data-channel=phone]")).to_contain_text("Αύγουστο")
    expect(page.locator("#timeline .tl-item[data-channel=order]")).to_have_count(2)

    # and a note added through htmx lands on top of the timeline, CSRF included
    page.fill("#note-body", "Θέλει τιμολόγιο στην εταιρεία")
    page.locator(".note-form button[type=submit]").click()
    expect(page.locator("#timeline .tl-item").first).to_contain_text("Θέλει τιμολόγιο στην εταιρεία")
    expect(page.locator("#note-body")).to_have_value("")

    page.screenshot(path=str(artifacts / "customer360.png"), full_page=True)


def test_import_with_two_bad_rows_writes_nothing(
    live_server: Any, page_for: Any, log_in: Any, artifacts: Path, manager: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # given: a UTF-8 CSV with a BOM, Greek names, an invalid email on line 3 and an invalid phone on line 5
    csv_file = tmp_path / "πελάτες.csv"
    csv_file.write_text(
        "first_name,last_name,email,phone\n"
        "Νίκος,Αλεξίου,nikos@example.gr,6971112233\n"
        "Άννα,Βλάχου,anna-at-example.gr,6971112234\n"
        "Σοφία,Δημητρίου,sofia@example.gr,2101234567\n"
        "Πέτρος,Γεωργίου,petros@example.gr,12345\n",
        encoding="utf-8-sig",
    )
    page = page_for("en-US")
    log_in(page, live_server.url, "manager", next_path="/customers/import/")

    # when: importing with "skip invalid rows" off
    page.set_input_files("input[type=file]", str(csv_file))
    page.check("input[name=kind][value=customers]")
    expect(page.locator("input[name=skip_invalid]")).not_to_be_checked()
    page.locator("form[enctype] button[type=submit]").click()

    # then: the preview names both rows and nothing is written
    report = page.locator("#import-report")
    expect(report).to_have_attribute("data-written", "false")
    expect(report).to_contain_text("Nothing has been written yet")
    expect(page.locator("#import-errors tbody tr")).to_have_count(2)
    expect(page.locator("#import-errors tr[data-row='3']")).to_contain_text("email")
    expect(page.locator("#import-errors tr[data-row='5']")).to_contain_text("phone")
    page.screenshot(path=str(artifacts / "import-rejected.png"), full_page=True)
    assert not Customer.objects.exists()
