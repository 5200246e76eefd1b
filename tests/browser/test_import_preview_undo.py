"""An import in a real Chromium: upload a file that updates a customer, read the preview (before → after,
the Greek name kept), confirm, see the change on the customer's page, and undo it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pelatis.customers.models import Customer, ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UPDATE = (
    "first_name,last_name,email,phone,job_title,title\n"
    "Giorgos,Papadopoulos,g.papadopoulos@example.gr,+30 697 999 8877,Διευθυντής πωλήσεων,Mr\n"
    "Άννα,Βλάχου,anna.vlachou@example.gr,,,\n"
)


def test_preview_confirm_see_the_change_and_undo(
    live_server: Any,
    page_for: Any,
    log_in: Any,
    artifacts: Path,
    manager: Any,
    papadopoulos: Customer,
    settings: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    source = tmp_path / "pelates.csv"
    source.write_text(UPDATE, encoding="utf-8-sig")
    page = page_for("en-GB")
    log_in(page, live_server.url, "manager", next_path="/customers/import/")

    # when: the file is uploaded
    page.set_input_files("input[name=file]", str(source))
    page.get_by_role("button", name="Preview the import").click()

    # then: the preview, nothing written yet
    job = page.locator("#import-job")
    expect(job).to_have_attribute("data-status", "preview")
    expect(page.locator("[data-count=new] .value")).to_have_text("1")
    expect(page.locator("[data-count=updated] .value")).to_have_text("1")
    changes = page.locator("#import-changes")
    job_title = changes.locator("tr[data-field=job_title]")
    expect(job_title.locator(".before")).to_have_text("—")
    expect(job_title.locator(".after")).to_have_text("Διευθυντής πωλήσεων")
    expect(changes.locator("tr[data-field=first_name]")).to_have_attribute("data-kept", "script")
    expect(changes.locator("tr[data-field=title]")).to_have_attribute("data-kept", "filled")
    expect(changes).to_contain_text("+306979998877")
    assert not Customer.objects.filter(last_name="Βλάχου").exists()
    page.screenshot(path=str(artifacts / "import-preview.png"), full_page=True)

    # when: confirmed
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#import-job")).to_have_attribute("data-status", "done")
    expect(page.locator("#import-undo")).to_be_visible()

    # then: the customer's page shows the change, the Greek name and the timeline in words
    page.goto(f"{live_server.url}/customers/{papadopoulos.pk}/")
    expect(page.locator("h1")).to_have_text("Γιώργος Παπαδόπουλος")
    expect(page.locator("body")).to_contain_text("Διευθυντής πωλήσεων")
    expect(page.locator("#timeline")).to_contain_text(
        "Updated from import of pelates.csv: Job title / department, Phone"
    )

    # when: undone from the job's page
    job_id = ImportJob.objects.get().pk
    page.goto(f"{live_server.url}/customers/import/{job_id}/")
    page.get_by_role("button", name="Undo this import").click()

    # then: the import is undone and the customer is as before
    expect(page.locator("#import-job")).to_have_attribute("data-status", "undone")
    page.goto(f"{live_server.url}/customers/{papadopoulos.pk}/")
    expect(page.locator("body")).not_to_contain_text("Διευθυντής πωλήσεων")
    papadopoulos.refresh_from_db()
    assert (papadopoulos.title, papadopoulos.job_title) == ("κ.", "")
    assert not Customer.objects.filter(last_name="Βλάχου").exists()
    page.screenshot(path=str(artifacts / "import-undone.png"), full_page=True)
