"""The agent's day in a real Chromium: an email arrives, is answered from a
canned reply with a tone fix, goes out over SMTP, and the customer's answer
reopens the ticket."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import CannedReply, Message, Ticket
from pelatis.helpdesk.services.tickets import (
    InboundMail,
    reply_send,
    ticket_assign,
    ticket_open,
    ticket_set_status,
)
from tests.browser.helpers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWE_SENTENCE = "Σύμφωνα με το λογιστήριο, χρωστάτε 120 ευρώ για την προκαταβολή."


def _busy_inbox(make_customer: Any, agent: Any, manager: Any) -> None:
    """Other requests of the day, so the inbox looks like a working one."""
    maria = make_customer(first_name="Μαρία", last_name="Νικολάου", title="κα", emails=["maria@example.gr"])
    anna = make_customer(
        first_name="Anna", last_name="Schmidt", language="de", emails=["anna.schmidt@example.de"]
    )
    kostas = make_customer(first_name="Κωνσταντίνος", last_name="Αλεξίου", emails=["kalexiou@example.gr"])
    agency = make_customer(
        kind="company", company_name="Ταξιδιωτικό Γραφείο Αιγαίο", emails=["info@aigaio.example.gr"]
    )

    def opened(customer: Customer, subject: str, body: str, hours_ago: float, **kwargs: Any) -> Ticket:
        ticket, _m = ticket_open(
            customer=customer,
            subject=subject,
            mail=InboundMail(body_text=body, received_at=timezone.now() - dt.timedelta(hours=hours_ago)),
            **kwargs,
        )
        return ticket

    cold = opened(
        maria,
        "Κρύο νερό στο δωμάτιο 204",
        "Από χθες δεν έχουμε ζεστό νερό.",
        5,
        type="complaint",
        priority="high",
    )
    ticket_assign(ticket=cold, agent=agent)
    Ticket.objects.filter(pk=cold.pk).update(first_response_due=timezone.now() - dt.timedelta(minutes=50))
    transfer = opened(
        anna, "Transfer from the airport on 14 August", "Can you book a taxi for us?", 3, language="en"
    )
    ticket_assign(ticket=transfer, agent=manager)
    waiting = opened(kostas, "Τιμολόγιο για την κράτηση", "Χρειάζομαι τιμολόγιο με ΑΦΜ.", 26)
    reply_send(
        ticket=waiting, body_text="Μας στέλνετε τα στοιχεία της εταιρείας;", by=agent, send_email=False
    )
    group = opened(
        agency,
        "Ομαδική κράτηση 12 δωματίων",
        "Σας στέλνουμε τη λίστα των ονομάτων.",
        50,
        priority="urgent",
        channel="phone",
    )
    ticket_set_status(ticket=group, status="open")
    done = opened(maria, "Ώρα check-in", "Τι ώρα είναι το check-in;", 72)
    reply_send(ticket=done, body_text="Από τις 14:00.", by=agent, status="resolved", send_email=False)


def test_email_answered_with_canned_reply_and_tone_fix_then_reopened(
    live_server: Any,
    page_for: Any,
    log_in: Any,
    artifacts: Path,
    agent: Any,
    manager: Any,
    papadopoulos: Customer,
    make_customer: Any,
    make_order: Any,
    smtp_server: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    type(agent).objects.filter(pk=agent.pk).update(first_name="Ελένη", last_name="Κωστοπούλου")
    make_order(papadopoulos, "ORD-7102", total="340.00", when=timezone.now() - dt.timedelta(days=40))
    _busy_inbox(make_customer, agent, manager)

    # given: an email from a known customer, with an attachment we keep and one we refuse
    raw = mail(
        subject="Διαθεσιμότητα 10-15 Αυγούστου",
        body="Καλησπέρα σας,\nέχετε διαθέσιμο δίκλινο με θέα από 10 έως 15 Αυγούστου;\n\nΕυχαριστώ,\nΓιώργος\n\n"
        "> Στις 2 Ιουλ. γράψατε:\n> Σας ευχαριστούμε για την κράτηση.\n",
        attachments=[
            ("κάτοψη.pdf", "application/pdf", b"%PDF-1.4 plan"),
            ("setup.exe", "application/octet-stream", b"MZ\x90\x00rest"),
        ],
    )
    arrived = mail_ingest(raw)
    assert arrived.outcome == "ticket"
    assert arrived.ticket_id is not None
    ticket = Ticket.objects.get(pk=arrived.ticket_id)
    assert ticket.customer_id == papadopoulos.pk
    original_id = ticket.messages.get(direction="in").message_id
    acknowledgements = len(smtp_server.messages)

    # when: the agent opens the inbox
    page = page_for("en-US")
    log_in(page, live_server.url, "agent", next_path="/tickets/")
    row = page.locator(f"#inbox tr[data-ticket='{ticket.pk}']")
    expect(row).to_contain_text("Διαθεσιμότητα 10-15 Αυγούστου")
    expect(row).to_contain_text("Γιώργος Παπαδόπουλος")
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "new")
    expect(page.locator(".nav-link.active")).to_contain_text("Tickets")

    # and opens the ticket
    row.locator("a.tk-subject").click()
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator("h1")).to_have_text("Διαθεσιμότητα 10-15 Αυγούστου")
    expect(page.locator(".msg-in .msg-body").first).to_contain_text("δίκλινο με θέα")
    expect(page.locator("#customer-panel [data-address-as]")).to_have_text("κ. Παπαδόπουλος")
    expect(page.locator(".att-rejected")).to_contain_text("setup.exe")

    # picks the canned reply "Διαθεσιμότητα": rendered for this customer
    canned = CannedReply.objects.get(name="Διαθεσιμότητα", language="el")
    page.select_option("#canned-pick", str(canned.pk))
    body = page.locator("#reply_body")
    expect(body).to_have_value(containing("Αγαπητέ κύριε Παπαδόπουλε,"))
    expect(body).to_have_value(containing("Ελένη Κωστοπούλου"))

    # types a sentence with "χρωστάτε" after the greeting
    body.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    body.press_sequentially(OWE_SENTENCE, delay=5)

    # sees the tone hint with the agreed wording
    hint = page.locator(".tone-hint[data-rule='el-owe']")
    expect(hint).to_be_visible()
    expect(hint.locator(".tone-match")).to_have_text("χρωστάτε")
    apply = hint.locator("[data-tone-apply]").first
    expect(apply).to_contain_text("τα αρχεία μας δείχνουν υπόλοιπο")
    page.screenshot(path=str(artifacts / "ticket.png"), full_page=True)

    # clicks the suggestion: the words are replaced in place, and the re-check clears the hint
    apply.click()
    fixed = "Σύμφωνα με το λογιστήριο, τα αρχεία μας δείχνουν υπόλοιπο 120 ευρώ για την προκαταβολή."
    expect(body).to_have_value(containing(fixed))
    assert "χρωστάτε" not in body.input_value()
    expect(page.locator(".tone-hint[data-rule='el-owe']")).to_have_count(0)

    # sends with status "resolved"
    page.select_option("#reply_status", "resolved")
    page.locator("[data-send]").click()
    expect(page.locator("[data-ticket-status]")).to_have_attribute("data-ticket-status", "resolved")
    expect(page.locator(".msg-out .msg-body").last).to_contain_text(fixed)
    expect(page.locator(".msg-out").last).to_contain_text("Emailed")

    # then: the reply arrived over SMTP, threaded and in Greek
    sent = wait_for(lambda: smtp_server.messages[acknowledgements:])[0]
    assert sent["To"] == "g.papadopoulos@example.gr"
    assert sent["In-Reply-To"] == original_id
    text = sent.get_body(("plain",)).get_content()
    assert fixed in text
    assert "σας ευχαριστούμε για το ενδιαφέρον σας" in text
    stored = Message.objects.get(ticket=ticket, direction="out", is_auto=False)
    assert stored.message_id == sent["Message-ID"]

    # when: the customer answers that email
    answer = mail_ingest(
        mail(
            subject=f"Re: {sent['Subject']}",
            body="Τέλεια, κλείστε το παρακαλώ!",
            in_reply_to=sent["Message-ID"],
        )
    )

    # then: the same ticket is open again, and the inbox says so
    assert (answer.outcome, answer.ticket_id) == ("reply", ticket.pk)
    page.goto(f"{live_server.url}/tickets/")
    row = page.locator(f"#inbox tr[data-ticket='{ticket.pk}']")
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "open")
    expect(page.locator("#inbox tr[data-ticket]")).to_have_count(Ticket.objects.count())
    page.screenshot(path=str(artifacts / "inbox.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.reopened_count == 1


def containing(text: str) -> Any:
    """A regex for to_have_value that matches when the value contains ``text``."""
    import re

    return re.compile(re.escape(text))


def test_inbox_tabs_filter_and_bulk_assign(
    live_server: Any, page_for: Any, log_in: Any, agent: Any, manager: Any, make_customer: Any
) -> None:
    from playwright.sync_api import expect

    _busy_inbox(make_customer, agent, manager)
    unassigned = set(queries_inbox_ids(agent, "unassigned"))
    page = page_for("en-US")
    log_in(page, live_server.url, "agent", next_path="/tickets/")

    # tabs swap the list in place and keep the URL in step
    page.locator(".hd-tab[data-view='unassigned']").click()
    expect(page).to_have_url(f"{live_server.url}/tickets/?view=unassigned")
    expect(page.locator("#inbox tr[data-ticket]")).to_have_count(len(unassigned))
    expect(page.locator(".hd-tab.active")).to_have_attribute("data-view", "unassigned")

    # the status filter narrows the view (the answered ticket is the replying agent's, not unassigned)
    page.select_option("#f-status", "open")
    expect(page).to_have_url(f"{live_server.url}/tickets/?view=unassigned&status=open")
    expect(page.locator("#inbox tr[data-ticket]")).to_have_count(1)
    page.select_option("#f-status", "")
    expect(page).to_have_url(f"{live_server.url}/tickets/?view=unassigned")
    expect(page.locator("#inbox tr[data-ticket]")).to_have_count(len(unassigned))
    page.wait_for_load_state(
        "networkidle"
    )  # the filter's request has settled: no swap can undo the selection

    # select all, assign to me: one POST, every ticket through the service
    assign = page.locator("[data-needs-selection][value='assign_me']")
    expect(assign).to_be_disabled()
    page.locator("[data-select-all]").check()
    expect(page.locator("[data-selected-count]")).to_have_text(f"{len(unassigned)} selected")
    assign.click()
    plural = "ticket" if len(unassigned) == 1 else "tickets"
    expect(page.locator(".alert-success")).to_contain_text(f"{len(unassigned)} {plural} updated.")
    expect(page).to_have_url(f"{live_server.url}/tickets/?view=unassigned")
    expect(page.locator("#inbox tr[data-ticket]")).to_have_count(0)
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) >= unassigned


def queries_inbox_ids(user: Any, view: str) -> list[int]:
    from pelatis.helpdesk.queries import inbox

    return list(inbox(user, view=view).values_list("pk", flat=True))
