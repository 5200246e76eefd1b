"""The email "your points expire on …": once per account and expiry date, in the customer's language and
form of address, with the amount and the date, over a real SMTP server; failures are tried again."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.utils import formats, timezone, translation

from pelatis.customers.models import Customer, Interaction
from pelatis.privacy.links import preferences_url
from pelatis.privacy.services import consent_record

from ..models import ExpiryWarning, LedgerEntry, LoyaltyProgramme
from ..services.ledger import points_redeem
from ..services.orders import months_after
from ..services.warnings import expiry_warnings_run
from .helpers import paid_order


def _expiring_in(customer: Customer, days: int, amount: str = "120.00", ref: str = "Π-παλιά") -> LedgerEntry:
    """Points from an order placed so long ago that they expire in ``days`` days."""
    months = LoyaltyProgramme.current().expiry_months
    paid_order(
        customer, ref, amount, placed_at=months_after(timezone.now(), -months) + dt.timedelta(days=days)
    )
    return LedgerEntry.objects.get(order_reference=ref)


def _plain(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def _html(message: Any) -> str:
    return str(message.get_body(("html",)).get_content())


def test_a_greek_customer_is_told_once_formally_with_the_amount_and_date(
    papadopoulos: Customer, smtp_server: Any
) -> None:
    entry = _expiring_in(papadopoulos, 20, "1250.00")
    paid_order(papadopoulos, "Π-νέα", "30.00")  # recent points: not expiring
    assert entry.expires_at is not None
    with translation.override("el"):
        day = formats.date_format(timezone.localdate(entry.expires_at), "j E Y")

    first = expiry_warnings_run()
    again = expiry_warnings_run()

    assert (first.claimed, first.sent, again.claimed, again.sent) == (1, 1, 0, 0)
    [message] = smtp_server.messages
    assert message["To"] == "g.papadopoulos@example.gr"
    assert message["Subject"].strip() == f"Οι πόντοι σας λήγουν στις {day}"
    assert message["Auto-Submitted"] == "auto-generated"
    text = _plain(message)
    assert text.startswith("Αγαπητέ κύριε Παπαδόπουλε,")
    assert f"1.250 από τους πόντους σας λήγουν στις {day}." in text
    assert "Το υπόλοιπό σας σήμερα είναι 1.280 πόντοι." in text
    link = preferences_url(papadopoulos).rsplit(":", 2)[0]  # the signature's time part differs by the second
    assert f"Οι προτιμήσεις επικοινωνίας σας: {link}" in text
    assert "1.250 από τους πόντους σας" in _html(message)
    warning = ExpiryWarning.objects.get()
    assert (warning.status, warning.points, warning.attempts) == ("sent", 1250, 1)
    assert warning.expires_on == timezone.localdate(entry.expires_at)
    assert Interaction.objects.filter(
        customer=papadopoulos, source_type="loyalty.expirywarning", source_id=str(warning.pk)
    ).exists()


def test_an_english_customer_on_first_name_terms(make_customer: Any, smtp_server: Any) -> None:
    george = make_customer(
        first_name="George", last_name="Smith", language="en", formal=False, emails=["george@example.com"]
    )
    _expiring_in(george, 10, "1200.00")

    expiry_warnings_run()

    [message] = smtp_server.messages
    text = _plain(message)
    assert text.startswith("Hi George,")
    assert "1,200 of your points expire on" in text
    assert message["Subject"].strip().startswith("Your points expire on ")


def test_points_expiring_after_the_warning_days_wait(papadopoulos: Customer, smtp_server: Any) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"expiry_warning_days": 14})
    _expiring_in(papadopoulos, 20)

    run = expiry_warnings_run()

    assert (run.claimed, run.sent) == (0, 0)
    assert smtp_server.messages == []
    # six days later they are within the 14 days
    assert expiry_warnings_run(now=timezone.now() + dt.timedelta(days=7)).sent == 1


def test_no_warning_days_sends_nothing(papadopoulos: Customer, smtp_server: Any) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"expiry_warning_days": 0})
    _expiring_in(papadopoulos, 5)

    assert expiry_warnings_run().claimed == 0
    assert smtp_server.messages == []


def test_a_refusing_mail_server_is_tried_again_later_and_sends_once(
    papadopoulos: Customer, smtp_server: Any, settings: Any
) -> None:
    _expiring_in(papadopoulos, 20)
    live_port = settings.EMAIL_PORT
    with socket.socket() as closed:  # a port nobody listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    now = timezone.now()

    failed = expiry_warnings_run(now=now)
    warning = ExpiryWarning.objects.get()
    assert (failed.failed, warning.status, warning.attempts) == (1, "failed", 1)
    assert warning.error
    settings.EMAIL_PORT = live_port
    assert expiry_warnings_run(now=now + dt.timedelta(minutes=5)).sent == 0  # not yet due a retry
    retried = expiry_warnings_run(now=now + dt.timedelta(minutes=31))

    assert retried.sent == 1
    assert len(smtp_server.messages) == 1
    warning.refresh_from_db()
    assert (warning.status, warning.attempts, warning.error) == ("sent", 2, "")


def test_points_spent_before_the_send_are_not_announced(papadopoulos: Customer, smtp_server: Any) -> None:
    from ..services.warnings import expiry_warnings_claim

    _expiring_in(papadopoulos, 20, "100.00")
    assert expiry_warnings_claim(now=timezone.now()) == 1
    points_redeem(customer=papadopoulos, points=100, reason="Δωρεάν δείπνο", by=None)

    run = expiry_warnings_run()

    assert (run.sent, run.skipped) == (0, 1)
    assert smtp_server.messages == []
    assert ExpiryWarning.objects.get().status == "skipped"


@pytest.mark.parametrize("reason", ["no email", "no consent"])
def test_without_an_address_or_consent_it_is_skipped(
    make_customer: Any, smtp_server: Any, reason: str
) -> None:
    emails = [] if reason == "no email" else ["maria@example.gr"]
    maria = make_customer(first_name="Μαρία", last_name="Οικονόμου", emails=emails)
    if reason == "no consent":
        consent_record(customer=maria, purpose="service", channel="email", granted=False, source="agent")
    _expiring_in(maria, 3)

    run = expiry_warnings_run()

    assert (run.sent, run.skipped) == (0, 1)
    assert smtp_server.messages == []


def test_the_next_expiry_date_gets_its_own_warning(papadopoulos: Customer, smtp_server: Any) -> None:
    first = _expiring_in(papadopoulos, 3, "10.00", "Π-1")
    _expiring_in(papadopoulos, 25, "20.00", "Π-2")
    assert first.expires_at is not None

    expiry_warnings_run()
    after = first.expires_at + dt.timedelta(days=1)
    expiry_warnings_run(now=after)

    assert len(smtp_server.messages) == 2
    assert sorted(ExpiryWarning.objects.values_list("points", "status")) == [(10, "sent"), (20, "sent")]
    assert "10 από τους πόντους σας" in _plain(smtp_server.messages[0])
    assert "20 από τους πόντους σας" in _plain(smtp_server.messages[1])
