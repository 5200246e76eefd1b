"""The tone box in a real Chromium: an agent types a blaming reply, applies two suggestions one after the
other, and the reply box holds exactly the text pelatis.lang.tone_apply gives for the same clicks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open
from pelatis.helpdesk.tonehints import hint_views
from pelatis.lang.tests.test_tone_apply import ONE, apply_rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLAMING = "Όπως σας είπα ήδη, χρωστάτε 40 € για το πάρκινγκ. Κάνετε λάθος, η χρέωση είναι σωστή."


def test_two_suggestions_in_a_row_leave_the_text_python_gives(
    live_server: Any, page_for: Any, log_in: Any, artifacts: Path, agent: Any, papadopoulos: Customer
) -> None:
    from playwright.sync_api import expect

    ticket, _m = ticket_open(
        customer=papadopoulos,
        subject="Χρέωση πάρκινγκ",
        mail=InboundMail(body_text="Γιατί χρεωθήκαμε για το πάρκινγκ;"),
    )
    page = page_for("el-GR")
    log_in(page, live_server.url, agent.username, next_path=f"/tickets/{ticket.pk}/")
    body = page.locator("#reply_body")
    body.click()
    body.press_sequentially(BLAMING, delay=2)

    # the owing hint offers the whole fitted wording; applying it changes the clause, not just the verb
    owe = page.locator(".tone-hint[data-rule='el-owe']")
    expect(owe).to_be_visible()
    owe.locator("[data-tone-apply]").first.click()
    after_one = apply_rule(BLAMING, "el-owe")
    assert after_one == (
        "Όπως σας είπα ήδη, τα αρχεία μας δείχνουν υπόλοιπο 40 € για το πάρκινγκ. "
        "Κάνετε λάθος, η χρέωση είναι σωστή."
    )
    expect(body).to_have_value(after_one)

    # the re-check comes back for the new text; the next suggestion applies to it
    expect(page.locator(".tone-hint[data-rule='el-owe']")).to_have_count(0)
    wrong = page.locator(".tone-hint[data-rule='el-you-are-wrong'] [data-tone-apply]").first
    expect(wrong).to_be_enabled()
    wrong.click()
    after_two = apply_rule(after_one, "el-you-are-wrong")
    assert after_two == (
        "Όπως σας είπα ήδη, τα αρχεία μας δείχνουν υπόλοιπο 40 € για το πάρκινγκ. "
        "Επιτρέψτε μου να διευκρινίσω: η χρέωση είναι σωστή."
    )
    expect(body).to_have_value(after_two)
    expect(page.locator(".tone-hint[data-rule='el-you-are-wrong']")).to_have_count(0)

    # and the lead-in last: a capital at the start, the comma folded into the colon
    page.locator(".tone-hint[data-rule='el-as-i-said'] [data-tone-apply]").first.click()
    expect(body).to_have_value(apply_rule(after_two, "el-as-i-said"))
    assert body.input_value().startswith("Για να το συνοψίσουμε: τα αρχεία μας δείχνουν υπόλοιπο 40 €")
    page.screenshot(path=str(artifacts / "tone-apply.png"), full_page=True)


def test_the_page_splice_gives_the_python_text_for_every_case(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, papadopoulos: Customer
) -> None:
    ticket, _m = ticket_open(
        customer=papadopoulos, subject="Ερώτηση", mail=InboundMail(body_text="Καλησπέρα")
    )
    page = page_for("el-GR")
    log_in(page, live_server.url, agent.username, next_path=f"/tickets/{ticket.pk}/")
    cases = [*((text, rule_id) for text, rule_id, _ in ONE), ("🙂 Χρωστάτε 10 ευρώ.", "el-owe")]
    checked = 0
    for text, rule_id in cases:
        views = [v for v in hint_views(text) if v.hint.rule_id == rule_id and v.replacements]
        assert views, (text, rule_id)
        view = views[0]
        spliced = page.evaluate(
            "([t, s, e, m, r]) => window.Pelatis.toneSplice(t, s, e, m, r).text",
            [text, view.start, view.end, view.hint.matched, view.replacements[0]],
        )
        assert spliced == apply_rule(text, rule_id), text
        checked += 1
    assert checked >= 30
