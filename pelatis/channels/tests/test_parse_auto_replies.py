"""parse_message flags auto-replies, bounces and read receipts, and nothing a person wrote."""

from __future__ import annotations

import pytest

from pelatis.channels.parse import parse_message
from pelatis.channels.tests import mails

# --- Auto-replies and bounces -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "subject", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Order", "Auto-Submitted: auto-replied"),
        ({"Auto-Submitted": "auto-generated; owner-email=x@y"}, "Notice", "Auto-Submitted: auto-generated"),
        ({"Precedence": "bulk"}, "Newsletter", "Precedence: bulk"),
        ({"Precedence": "junk"}, "Offer", "Precedence: junk"),
        ({"Precedence": "list", "List-Id": "<news.shop.gr>"}, "Digest", "Precedence: list with List-Id"),
        ({"X-Autoreply": "yes"}, "Re: Order", "X-Autoreply header"),
        ({"X-Autorespond": "Out of office"}, "Re: Order", "X-Autorespond header"),
        ({"Return-Path": "<>"}, "Re: Order", "Return-Path: <>"),
        ({}, "Αυτόματη απάντηση: Παραγγελία", "auto-reply subject"),
        ({}, "Automatic reply: Order 1234", "auto-reply subject"),
    ],
)
def test_auto_replies_are_flagged(headers: dict[str, str], subject: str, reason: str) -> None:
    parsed = parse_message(mails.auto_reply(headers, subject=subject))
    assert parsed.is_auto
    assert reason in parsed.auto_reason
    assert not parsed.is_bounce


@pytest.mark.parametrize("headers", [{}, {"Auto-Submitted": "no"}, {"List-Id": "<support.shop.gr>"}])
def test_person_written_mail_is_not_auto(headers: dict[str, str]) -> None:
    parsed = parse_message(mails.auto_reply(headers, subject="Question about my order"))
    assert (parsed.is_auto, parsed.auto_reason, parsed.is_bounce) == (False, "", False)


def test_dsn_bounce_is_auto_and_a_bounce() -> None:
    parsed = parse_message(mails.dsn_bounce(mails.plain()))
    assert parsed.is_auto
    assert parsed.is_bounce
    assert "multipart/report (delivery-status)" in parsed.auto_reason
    assert "MAILER-DAEMON" in parsed.auto_reason
    assert parsed.from_email == "mailer-daemon@shop.gr"
    assert parsed.text.startswith("This is the mail system")
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("delivery-status-1.txt", "message/delivery-status"), ("message-2.eml", "message/rfc822")]  # fmt: skip
    assert b"550 5.1.1 User unknown" in parsed.attachments[0].data
    assert b"Message-ID: <m1@example.gr>" in parsed.attachments[1].data


def test_read_receipt_is_auto_but_not_a_bounce() -> None:
    parsed = parse_message(mails.dsn_bounce(mails.plain(), report_type="disposition-notification"))
    assert parsed.is_auto
    assert "disposition-notification" in parsed.auto_reason


def test_mailer_daemon_without_report_is_a_bounce_by_subject() -> None:
    parsed = parse_message(mails.plain("The following address failed: x@y\n", sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example>",
                                       subject="Mail delivery failed: returning message to sender"))  # fmt: skip
    assert parsed.is_auto
    assert parsed.is_bounce
