"""parse_message reads headers: addresses, dates, threading ids, a stable id for mail without one, the ticket token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pelatis.channels.parse import parse_message, ticket_token
from pelatis.channels.tests import mails

# --- Headers and addresses ----------------------------------------------------------------------


def test_plain_message_headers() -> None:
    raw = mails.plain(
        cc="Γιώργος <G@Example.gr>, eleni@example.gr", headers={"Reply-To": "Orders <Orders@Example.gr>"}
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "<m1@example.gr>"
    assert parsed.from_name == "Μαρία Παπαδοπούλου"
    assert parsed.from_email == "maria.p@example.gr"
    assert parsed.to == ["support@shop.gr"]
    assert parsed.cc == ["g@example.gr", "eleni@example.gr"]
    assert parsed.reply_to == "orders@example.gr"
    assert parsed.date == datetime(2026, 4, 14, 7, 15, tzinfo=UTC)
    assert parsed.date.utcoffset() == timedelta(hours=3)
    assert parsed.text == "Hello, where is my order?"
    assert parsed.html == ""
    assert parsed.attachments == []
    assert parsed.language == "en"
    assert (parsed.is_auto, parsed.is_bounce, parsed.charset_note) == (False, False, "")


def test_display_name_with_comma_stays_one_address() -> None:
    parsed = parse_message(mails.plain(sender='"Papadopoulos, Giorgos" <giorgos@example.gr>'))
    assert (parsed.from_name, parsed.from_email) == ("Papadopoulos, Giorgos", "giorgos@example.gr")


def test_missing_from_gives_empty_email() -> None:
    raw = b"To: support@shop.gr\r\nSubject: hi\r\n\r\nbody\r\n"
    parsed = parse_message(raw)
    assert (parsed.from_email, parsed.from_name, parsed.to) == ("", "", ["support@shop.gr"])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Tue, 14 Apr 2026 10:15:00 +0300",
            datetime(2026, 4, 14, 10, 15, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("Tue, 14 Apr 2026 10:15:00 -0000", datetime(2026, 4, 14, 10, 15, tzinfo=UTC)),
        ("14 Apr 2026 10:15:00", datetime(2026, 4, 14, 10, 15, tzinfo=UTC)),
        ("yesterday at noon", None),
        ("Tue, 14 Apr 2026 10:15:00 +9999", None),
    ],
)
def test_date_is_aware_or_none(header: str, expected: datetime | None) -> None:
    parsed = parse_message(mails.plain(date=header))
    assert parsed.date == expected
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None


def test_missing_date_is_none() -> None:
    assert parse_message(mails.plain(date=None)).date is None


# --- Threading headers --------------------------------------------------------------------------


def test_reply_threading_headers_are_normalised_deduplicated_and_ordered() -> None:
    raw = mails.reply("Thanks", in_reply_to="<p2@shop.gr> (message from Shop of Tue)",
                      references="<root@example.gr> <p1@shop.gr>  <p2@shop.gr> <p1@shop.gr>")  # fmt: skip
    parsed = parse_message(raw)
    assert parsed.in_reply_to == ["<p2@shop.gr>"]
    assert parsed.references == ["<root@example.gr>", "<p1@shop.gr>", "<p2@shop.gr>"]
    assert parsed.message_id == "<r1@example.gr>"


def test_ids_without_angle_brackets_are_accepted() -> None:
    parsed = parse_message(
        mails.reply("x", in_reply_to="p2@shop.gr", references="root@example.gr, p2@shop.gr")
    )
    assert parsed.in_reply_to == ["<p2@shop.gr>"]
    assert parsed.references == ["<root@example.gr>", "<p2@shop.gr>"]


def test_message_without_threading_headers_has_empty_lists() -> None:
    parsed = parse_message(mails.reply("x", in_reply_to=None, references=None))
    assert (parsed.in_reply_to, parsed.references) == ([], [])


def test_message_without_message_id_gets_a_stable_synthetic_id() -> None:
    first = mails.plain(message_id=None)
    # The same message delivered again, through another relay: trace headers differ, the id must not.
    again = b"Received: from relay2.example.net by mx.shop.gr; Tue, 14 Apr 2026 10:16:00 +0300\r\n" \
            b"Delivered-To: support@shop.gr\r\n" + first  # fmt: skip
    other = mails.plain("A different body\n", message_id=None)
    ids = [parse_message(raw).message_id for raw in (first, again, other)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("<")
    assert ids[0].endswith("@pelatis.invalid>")


# --- Ticket token -------------------------------------------------------------------------------


def test_ticket_token_round_trips() -> None:
    assert ticket_token(1234) == "[#1234]"
    parsed = parse_message(mails.plain(subject=f"Re: {ticket_token(1234)} Η παραγγελία μου"))
    assert parsed.ticket_ref == 1234


@pytest.mark.parametrize(
    ("subject", "ref"),
    [
        ("Re: [Pelatis #77] Order", 77),
        ("RE: AW: [pelatis#5]", 5),
        ("Order 1234", None),
        ("[PR #5] build", None),
        ("#1234 without brackets", None),
    ],
)
def test_ticket_ref_from_subject(subject: str, ref: int | None) -> None:
    assert parse_message(mails.plain(subject=subject)).ticket_ref == ref
