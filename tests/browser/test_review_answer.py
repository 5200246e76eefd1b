"""An angry Google review arrives through the signed webhook; an agent opens it from the reviews list,
writes an answer that blames the customer, takes the tone checker's suggestion, saves and copies it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import Any

import pytest
from django.test import Client

from pelatis.feedback.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_from_webhook_answered_with_the_tone_checker(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, settings: Any, artifacts: Any
) -> None:
    from playwright.sync_api import expect

    settings.PELATIS_REVIEW_WEBHOOK_SECRET = "s3cret-hook"
    body = json.dumps(
        {
            "platform": "google",
            "external_id": "g-77",
            "rating": 1,
            "author": "Δήμητρα Λαμπράκη",
            "text": "Μας χρέωσαν δύο φορές την προκαταβολή και κανείς δεν απαντά!",
            "published_at": "2026-11-20T18:30:00+02:00",
        },
        ensure_ascii=False,
    ).encode()
    stamp = str(int(time.time()))
    signature = "sha256=" + hmac.new(b"s3cret-hook", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    hook = Client().post(
        "/feedback/hooks/reviews/",
        body,
        content_type="application/json",
        HTTP_X_PELATIS_SIGNATURE=signature,
        HTTP_X_PELATIS_TIMESTAMP=stamp,
    )
    assert hook.status_code in (200, 201)
    review = Review.objects.get(external_id="g-77")
    assert review.follow_up_ticket_id is not None  # a 1-star review opens a follow-up

    page = page_for("el-GR")
    log_in(page, live_server.url, "agent", next_path="/feedback/reviews/")
    page.get_by_role("link", name=re.compile("Μας χρέωσαν δύο φορές")).click()
    page.wait_for_url(f"{live_server.url}/feedback/reviews/{review.pk}/")
    answer = page.locator("#answer_body")
    answer.press_sequentially("Λυπούμαστε πολύ. Σύμφωνα με το λογιστήριο, χρωστάτε 120 ευρώ.", delay=5)
    hint = page.locator(".tone-hint[data-rule='el-owe']")
    expect(hint).to_be_visible()
    hint.locator("[data-tone-apply]").first.click()
    expect(answer).to_have_value(re.compile("τα αρχεία μας δείχνουν υπόλοιπο"))
    assert "χρωστάτε" not in answer.input_value()
    page.locator("form[action$='/answer/'] button[type=submit]").click()
    expect(page.locator("#saved-answer")).to_contain_text("τα αρχεία μας δείχνουν υπόλοιπο")
    page.screenshot(path=str(artifacts / "review.png"), full_page=True)
    review.refresh_from_db()
    assert "τα αρχεία μας δείχνουν υπόλοιπο" in review.answer
    assert review.answered_by == agent
