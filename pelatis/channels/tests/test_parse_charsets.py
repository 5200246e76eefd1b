"""parse_message decodes every charset the help desk meets, repairs wrong labels (Greek above all) and says so."""

from __future__ import annotations

import pytest

from pelatis.channels.parse import parse_message
from pelatis.channels.tests import mails

# --- Charsets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "codec", "declared", "note"),
    [
        (mails.GREEK_BODY_1253, "windows-1253", "windows-1253", ""),
        (mails.GREEK_BODY, "iso-8859-7", "iso-8859-7", ""),
        (mails.GREEK_BODY, "utf-8", "utf-8", ""),
        (mails.GREEK_BODY_1253, "windows-1253", None, "undeclared 8-bit plain body decoded as windows-1253"),
        (mails.GREEK_BODY, "iso-8859-7", None, "undeclared 8-bit plain body decoded as iso-8859-7"),
        (mails.GREEK_BODY, "utf-8", None, "undeclared 8-bit plain body decoded as utf-8"),
        # The common mislabel: a Greek Windows client sending windows-1253 as iso-8859-1.
        (
            mails.GREEK_BODY_1253,
            "windows-1253",
            "iso-8859-1",
            "plain body declared iso-8859-1 is Greek; decoded as windows-1253",
        ),
        (
            mails.GREEK_BODY_1253,
            "windows-1253",
            "us-ascii",
            "plain body declared us-ascii is Greek; decoded as windows-1253",
        ),
        # The two Greek charsets mistaken for each other: Ά tells them apart.
        (
            mails.GREEK_BODY,
            "iso-8859-7",
            "windows-1253",
            "plain body declared windows-1253 decoded as iso-8859-7",
        ),
        (
            mails.GREEK_BODY_1253,
            "windows-1253",
            "iso-8859-7",
            "plain body declared iso-8859-7 decoded as windows-1253",
        ),
        (
            mails.GREEK_BODY,
            "utf-8",
            "iso-8859-7",
            "plain body declared iso-8859-7 is UTF-8; decoded as utf-8",
        ),
        (
            mails.GREEK_BODY_1253,
            "windows-1253",
            "utf-8",
            "plain body not valid utf-8; decoded as windows-1253",
        ),
        (
            mails.GREEK_BODY_1253,
            "windows-1253",
            "x-unknown-greek",
            "unknown charset 'x-unknown-greek' in plain body decoded as windows-1253",
        ),
        (mails.FRENCH_BODY, "iso-8859-1", "iso-8859-1", ""),
        (
            mails.FRENCH_BODY + "“Merci” – 10€\n",
            "windows-1252",
            None,
            "undeclared 8-bit plain body decoded as windows-1252",
        ),
    ],
)
def test_body_charsets_come_out_byte_correct(body: str, codec: str, declared: str | None, note: str) -> None:
    parsed = parse_message(mails.raw_mail(body.encode(codec), charset=declared))
    assert parsed.text == body.strip()
    assert parsed.charset_note == note


def test_a_real_latin1_label_is_trusted() -> None:
    parsed = parse_message(
        mails.raw_mail("Grüße aus München, Ärger mit der Größe.\n".encode("latin-1"), charset="iso-8859-1")
    )
    assert parsed.text == "Grüße aus München, Ärger mit der Größe."
    assert parsed.charset_note == ""


def test_undecodable_bytes_fall_back_to_latin1() -> None:
    parsed = parse_message(mails.raw_mail(b"abc \x81\x8d\x8f\x90\x9d end", charset=None))
    assert parsed.text == "abc \x81\x8d\x8f\x90\x9d end"
    assert parsed.charset_note == "undeclared 8-bit plain body decoded as latin-1"


def test_quoted_printable_and_base64_greek_bodies() -> None:
    for cte in ("quoted-printable", "base64"):
        raw = mails.plain(mails.GREEK_BODY, charset="utf-8")
        if cte == "base64":
            from email.message import EmailMessage
            from email.policy import SMTP

            msg = EmailMessage()
            msg["From"], msg["Subject"] = "a@b.gr", "x"
            msg.set_content(mails.GREEK_BODY, cte="base64")
            raw = msg.as_bytes(policy=SMTP)
        assert parse_message(raw).text == mails.GREEK_BODY.strip()
    qp = mails.plain(mails.GREEK_BODY_1253, charset="windows-1253")
    assert b"=C1" in qp or b"=E1" in qp
    assert parse_message(qp).text == mails.GREEK_BODY_1253.strip()


def test_html_meta_charset_is_used_when_the_part_declares_none() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1253"></head><body><p>Ά τιμή</p></body></html>'
    parsed = parse_message(mails.raw_mail(html.encode("cp1253"), content_type="text/html"))
    assert parsed.text == "Ά τιμή"
    assert parsed.charset_note == ""


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-7", "windows-1253"])
def test_greek_rfc2047_subject(charset: str) -> None:
    subject = "Re: Άννα - πρόβλημα με την κράτηση [#42]"
    parsed = parse_message(mails.encoded_subject(subject, charset))
    assert parsed.subject == subject
    assert parsed.ticket_ref == 42
    assert parsed.charset_note == ""


def test_rfc2047_words_split_inside_a_character_and_folded() -> None:
    # "Ευχαριστώ" in UTF-8, cut between the two bytes of 'χ', words on two folded lines.
    data = "Ευχαριστώ".encode()
    import base64

    first, second = base64.b64encode(data[:5]).decode(), base64.b64encode(data[5:]).decode()
    raw = mails.raw_mail(b"x", subject=f"Re:  =?UTF-8?B?{first}?=\r\n =?UTF-8?B?{second}?=   πολύ".encode())
    assert parse_message(raw).subject == "Re: Ευχαριστώ πολύ"


def test_raw_8bit_subject_in_windows_1253() -> None:
    parsed = parse_message(mails.raw_mail(b"x", subject="Άννα: τιμή".encode("cp1253")))
    assert parsed.subject == "Άννα: τιμή"
    assert "subject decoded as windows-1253" in parsed.charset_note


def test_raw_utf8_headers_are_not_a_repair() -> None:
    parsed = parse_message(mails.raw_mail(b"x", subject="Καλημέρα".encode()))
    assert (parsed.subject, parsed.from_name, parsed.charset_note) == ("Καλημέρα", "Μαρία Παπαδοπούλου", "")


def test_subject_declared_latin1_but_greek_is_repaired() -> None:
    subject = "=?iso-8859-1?Q?" + "".join(f"={b:02X}" for b in "Άννα Καλημέρα".encode("cp1253")) + "?="
    parsed = parse_message(mails.raw_mail(b"x", subject=subject.encode()))
    assert parsed.subject == "Άννα Καλημέρα"
    assert "subject declared iso-8859-1 is Greek" in parsed.charset_note
