"""Browser test: an admin must set up two-factor log-in (the key from the page, a first code), then logs in
with the password and a code computed from the device's key; a wrong code is refused; a recovery code
works once."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(key: bytes, *, ahead: int = 0) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6, drift=ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password_step(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/customers/")
    page.fill("#id_username", "diaxeiristis")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit]")


def test_an_admin_logs_in_with_a_totp_code_and_a_recovery_code_works_once(
    live_server: Any, page_for: Any, admin_user_: Any, settings: Any, artifacts: Any
) -> None:
    from playwright.sync_api import expect

    settings.PELATIS_2FA_REQUIRED = "admins"
    base = live_server.url

    # the first log-in: the password, then the set-up page, nothing else
    first = page_for("en-GB")
    _password_step(first, base)
    first.wait_for_url(f"{base}/account/two-factor/")
    expect(first.locator("[data-two-factor-qr]")).to_have_attribute(
        "src", re.compile(r"^data:image/svg\+xml;base64,")
    )
    assert (
        first.locator("[data-two-factor-qr]").evaluate("img => img.naturalWidth") > 0
    )  # the QR code renders
    first.screenshot(path=str(artifacts / "two-factor-setup.png"), full_page=True)
    first.goto(f"{base}/customers/")
    first.wait_for_url(f"{base}/account/two-factor/")
    # the key typed into an app by hand, as the page shows it
    typed = first.locator("[data-two-factor-secret]").inner_text().replace(" ", "")
    first.fill("#id_code", _code(b32decode(typed)))
    first.locator("form button[type=submit].btn-primary").click()
    expect(first.locator("[data-recovery-codes] li")).to_have_count(10)
    codes = first.locator("[data-recovery-codes] li").all_inner_texts()
    first.screenshot(path=str(artifacts / "two-factor-recovery-codes.png"), full_page=True)
    first.goto(f"{base}/account/")
    expect(first.locator("[data-account-sessions] tbody tr")).to_have_count(1)
    first.screenshot(path=str(artifacts / "account-page.png"), full_page=True)
    first.goto(f"{base}/customers/")
    first.wait_for_url(f"{base}/customers/")

    # the next log-in asks for the code; the test computes it from the device's key
    key = TOTPDevice.objects.get(user=admin_user_, confirmed=True).bin_key
    second = page_for("en-GB")
    _password_step(second, base)
    second.wait_for_url(re.compile(r".*/account/login/code/.*"))
    second.fill("#id_code", _code(key, ahead=1))  # a code the set-up did not use
    second.click("button[type=submit]")
    second.wait_for_url(f"{base}/customers/")
    expect(second.locator("h1")).to_be_visible()

    # a wrong code is refused; a recovery code logs in
    third = page_for("en-GB")
    _password_step(third, base)
    third.wait_for_url(re.compile(r".*/account/login/code/.*"))
    wrong = next(c for c in ("000000", "111111") if c not in {_code(key, ahead=a) for a in (-1, 0, 1, 2)})
    third.fill("#id_code", wrong)
    third.click("button[type=submit]")
    expect(third.locator("[data-error-for=code]")).to_be_visible()
    assert "/account/login/code/" in third.url
    third.screenshot(path=str(artifacts / "two-factor-wrong-code.png"), full_page=True)
    third.fill("#id_code", codes[0])
    third.click("button[type=submit]")
    third.wait_for_url(f"{base}/customers/")

    # the same recovery code does not work twice
    fourth = page_for("en-GB")
    _password_step(fourth, base)
    fourth.wait_for_url(re.compile(r".*/account/login/code/.*"))
    fourth.fill("#id_code", codes[0])
    fourth.click("button[type=submit]")
    expect(fourth.locator("[data-error-for=code]")).to_be_visible()
    fourth.goto(f"{base}/customers/")
    assert "/login/" in fourth.url
