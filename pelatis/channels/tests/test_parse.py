"""parse_message: raw bytes in, ParsedMessage out; every charset, MIME and quoting case the help desk meets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.mailgen import generate
from pelatis.channels.parse import Attachment, ParsedMessage, ParseError, parse_message, ticket_token
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


# --- HTML ---------------------------------------------------------------------------------------

HOSTILE_HTML = (
    '<html><head><title>T</title><style>p{color:red}</style></head><body onload="steal()">'
    '<p style="color:red" onclick="x()">Γεια σας <a href="https://shop.gr/o/1" onmouseover="x()">παραγγελία</a></p>'
    '<img src="https://tracker.example/p.gif" onerror="alert(1)"><img src="cid:logo@x" alt="logo">'
    '<a href="javascript:alert(1)">κλικ</a><script>alert("xss")</script><iframe src="https://evil"></iframe>'
    "<form action=https://evil><input name=p></form></body></html>"
)


def test_html_is_sanitised() -> None:
    parsed = parse_message(mails.html_only(HOSTILE_HTML))
    html = parsed.html
    for banned in ("<script", "alert", "onload", "onclick", "onerror", "onmouseover", "style", "<iframe", "<form",
                   "<input", "tracker.example", "javascript:", "<title"):  # fmt: skip
        assert banned not in html, banned
    assert '<a href="https://shop.gr/o/1" rel="noopener noreferrer">παραγγελία</a>' in html
    assert '<img src="cid:logo@x" alt="logo">' in html


def test_text_is_derived_from_html_only_mail() -> None:
    parsed = parse_message(mails.html_only(HOSTILE_HTML))
    assert parsed.text == "Γεια σας παραγγελία\nκλικ"
    assert parsed.language == "el"


def test_alternative_prefers_the_text_part_and_keeps_the_html() -> None:
    parsed = parse_message(mails.alternative("Plain version\n", "<p>HTML <b>version</b></p>"))
    assert parsed.text == "Plain version"
    assert parsed.html.startswith("<p>HTML <b>version</b></p>")


def test_html_structure_becomes_readable_text() -> None:
    html = "<p>Hello&nbsp;there,</p><ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>&lt;ok&gt; &amp; caf&eacute;"
    assert parse_message(mails.html_only(html)).text == "Hello there,\n\n- one\n- two\na b\n\n<ok> & café"


# --- Attachments --------------------------------------------------------------------------------


def test_attachments_with_greek_names_and_checked_types() -> None:
    files = [
        ("τιμολόγιο Μαΐου.pdf", "application/pdf", mails.PDF),
        ("φωτογραφία.png", "application/octet-stream", mails.PNG),
        ("photo.jpg", "image/jpeg", mails.JPEG),
        ("anim.gif", "image/gif", mails.GIF),
        ("letter.docx", "application/octet-stream", mails.DOCX),
        ("invoice.pdf", "application/pdf", mails.EXE),  # an executable dressed as a PDF
        ("fake.png", "image/png", b"not an image at all"),
        ("orders.csv", "application/octet-stream", b"id,total\n1,10\n"),
    ]
    parsed = parse_message(mails.with_attachments("See attached.\n", files))
    assert parsed.text == "See attached."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("τιμολόγιο Μαΐου.pdf", "application/pdf"),
        ("φωτογραφία.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("anim.gif", "image/gif"),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("invoice.pdf", "application/x-msdownload"),
        ("fake.png", "application/octet-stream"),
        ("orders.csv", "text/csv"),
    ]
    first = parsed.attachments[0]
    assert (first.data, first.size, first.inline, first.content_id) == (
        mails.PDF,
        len(mails.PDF),
        False,
        None,
    )


def test_rfc2047_and_raw_8bit_attachment_names() -> None:
    encoded = "=?UTF-8?B?" + __import__("base64").b64encode("τιμολόγιο.pdf".encode()).decode() + "?="
    parts = [
        f'Content-Type: application/pdf; name="{encoded}"\r\nContent-Disposition: attachment; filename="{encoded}"'.encode(),
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "Άννα.pdf".encode("cp1253")
        + b'"',
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-8859-7''%B6%ED%ED%E1.pdf",
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="C:\\\\Users\\\\me\\\\..\\\\x.pdf"',
    ]
    body = b"".join(b"--B\r\n" + head + b"\r\n\r\n%PDF-1.4\r\n" for head in parts)
    raw = mails.raw_mail(b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n" + body + b"--B--\r\n",
                         content_type='multipart/mixed; boundary="B"', charset=None, cte="7bit")  # fmt: skip
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["τιμολόγιο.pdf", "Άννα.pdf", "Άννα.pdf", "x.pdf"]
    assert all(a.content_type == "application/pdf" for a in parsed.attachments)


def test_attachment_over_the_limit_keeps_metadata_without_data() -> None:
    big = mails.PDF + b"0" * 5000
    parsed = parse_message(
        mails.with_attachments("x", [("big.pdf", "application/pdf", big)]), max_attachment_bytes=1000
    )
    attachment = parsed.attachments[0]
    assert (attachment.filename, attachment.content_type, attachment.size, attachment.data) == (
        "big.pdf", "application/pdf", len(big), b"")  # fmt: skip


def test_inline_image_by_content_id() -> None:
    parsed = parse_message(
        mails.related_image('<p>Photo: <img src="cid:img1@shop.gr"></p>', mails.PNG, "img1@shop.gr")
    )
    assert parsed.attachments == [Attachment(filename="attachment-1.png", content_type="image/png", size=len(mails.PNG),
                                             data=mails.PNG, content_id="img1@shop.gr", inline=True)]  # fmt: skip
    assert '<img src="cid:img1@shop.gr">' in parsed.html
    assert parsed.text == "See the photo."


def test_forwarded_message_is_an_attachment_not_the_body() -> None:
    inner = mails.plain("Inner body\n", subject="Inner")
    raw = mails.raw_mail(b"--B\r\nContent-Type: text/plain\r\n\r\nSee below\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n"
                         + inner + b"\r\n--B--\r\n", content_type='multipart/mixed; boundary="B"', cte="7bit")  # fmt: skip
    parsed = parse_message(raw)
    assert parsed.text == "See below"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("message-1.eml", "message/rfc822")]
    assert b"Inner body" in parsed.attachments[0].data


# --- Quoted replies and signatures --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        (
            "Thanks, that worked!\n\nOn Tue, Apr 14, 2026 at 10:15 AM Shop Support <\nsupport@shop.gr> wrote:\n\n"
            "> Please try again.\n>\n> Regards\n",
            "Thanks, that worked!",
        ),
        (
            "Ευχαριστώ πολύ, λειτούργησε!\n\nΣτις Τρί 14 Απρ 2026 στις 10:15 π.μ., ο/η Shop Support <support@shop.gr>\n"
            "έγραψε:\n\n> Δοκιμάστε ξανά.\n",
            "Ευχαριστώ πολύ, λειτούργησε!",
        ),
        (
            "Εντάξει.\n\nΣτις 14 Απρ 2026, στις 10:15 π.μ., ο χρήστης Shop <support@shop.gr> έγραψε:\n\n> Καλημέρα\n",
            "Εντάξει.",
        ),
        (
            "Yes please.\n\n-----Original Message-----\nFrom: Shop <support@shop.gr>\nSent: Tuesday, April 14, 2026 10:15 AM\n"
            "To: Maria\nSubject: Order\n\nOld text\n",
            "Yes please.",
        ),
        (
            "Yes please.\n\n________________________________\nFrom: Shop <support@shop.gr>\nSent: Tuesday, April 14, 2026\n"
            "To: Maria\n\nOld text\n",
            "Yes please.",
        ),
        (
            "Ναι, παρακαλώ.\n\nΑπό: Shop <support@shop.gr>\nΣτάλθηκε: Τρίτη, 14 Απριλίου 2026 10:15 πμ\nΠρος: Μαρία\n"
            "Θέμα: Παραγγελία\n\nΠαλιό κείμενο\n",
            "Ναι, παρακαλώ.",
        ),
        ("Ναι.\n\n-----Αρχικό μήνυμα-----\nΑπό: Shop\n\nΠαλιό\n", "Ναι."),
        ("Danke!\n\nAm 14.04.2026 um 10:15 schrieb Shop <support@shop.gr>:\n> Alt\n", "Danke!"),
        (
            "Grazie!\n\nIl giorno mar 14 apr 2026 alle ore 10:15 Shop <support@shop.gr> ha scritto:\n\n> Vecchio\n",
            "Grazie!",
        ),
        (
            "Merci !\n\nLe mar. 14 avr. 2026 à 10:15, Shop <support@shop.gr> a écrit :\n\n> Ancien\n",
            "Merci !",
        ),
        (
            "Sure.\n\nOn Tue, Apr 14, 2026 at 10:15 AM Shop <support@shop.gr> wrote:\nOld unquoted text\n",
            "Sure.",
        ),
        ("Here is the info.\n\n-- \nMaria Papadopoulou\nAcme SA\n", "Here is the info."),
        (
            "OK\n\nSent from my iPhone\n\nOn 14 Apr 2026, at 10:15, Shop <support@shop.gr> wrote:\n\n> x\n",
            "OK",
        ),
        ("Εντάξει, ευχαριστώ\n\nΣτάλθηκε από το iPhone μου\n", "Εντάξει, ευχαριστώ"),
        # Bottom posting and inline answers: the customer's own lines stay.
        (
            "On Tue, Apr 14, 2026 at 10:15 AM Shop <support@shop.gr> wrote:\n> Your order number?\n1234\n> Postcode?\n10558\n",
            "1234\n10558",
        ),
        # Not a reply header: an ordinary sentence that starts with "On".
        (
            "On Monday I ordered a lamp.\nIt never arrived.\n",
            "On Monday I ordered a lamp.\nIt never arrived.",
        ),
        # Nothing but quotes: better the whole text than nothing.
        ("> only quoted\n> text\n", "> only quoted\n> text"),
    ],
)
def test_quoted_replies_and_signatures_are_folded(text: str, visible: str) -> None:
    parsed = parse_message(mails.plain(text))
    assert parsed.visible_text == visible
    assert parsed.text == text.strip()


def test_forwarded_content_is_not_folded() -> None:
    text = ("FYI\n\n---------- Forwarded message ---------\nFrom: Shop <support@shop.gr>\nDate: Tue, 14 Apr 2026\n"
            "Subject: Order\n\nYour order has shipped.\n")  # fmt: skip
    assert parse_message(mails.plain(text)).visible_text == text.strip()


def test_html_blockquote_reply_is_folded() -> None:
    html = ('<div dir="ltr">Ευχαριστώ!</div><div class="gmail_quote"><div class="gmail_attr">Στις Τρί 14 Απρ 2026 '
            'στις 10:15 π.μ., ο/η Shop &lt;support@shop.gr&gt; έγραψε:<br></div><blockquote class="gmail_quote">'
            "Δοκιμάστε ξανά.<blockquote>παλιότερο</blockquote></blockquote></div>")  # fmt: skip
    parsed = parse_message(mails.html_only(html))
    assert parsed.text.endswith("> Δοκιμάστε ξανά.\n> > παλιότερο")
    assert parsed.visible_text == "Ευχαριστώ!"
    assert parsed.language == "el"


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


# --- Broken input -------------------------------------------------------------------------------


def test_truncated_multipart_still_gives_headers_and_what_arrived() -> None:
    raw = mails.with_attachments(
        "Body text\n", [("a.pdf", "application/pdf", mails.PDF * 50)], subject="Cut off"
    )
    parsed = parse_message(raw[: len(raw) // 2])
    assert (parsed.subject, parsed.message_id, parsed.from_email) == (
        "Cut off",
        "<att@example.gr>",
        "maria.p@example.gr",
    )
    assert parsed.text == "Body text"
    assert parsed.attachments[0].content_type == "application/pdf"


@pytest.mark.parametrize(
    "mime",
    [
        b"Content-Type: multipart/mixed\r\n\r\n--nobound\r\nhello\r\n",  # no boundary parameter
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\nno boundary line ever\r\n',
        b'Content-Type: text/plain; charset="\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n',
        b"Content-Type: ;;;==\x00\xff\r\n\r\nbody\r\n",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown\r\n\r\nbody\r\n",
    ],
)
def test_garbled_mime_still_parses_the_headers(mime: bytes) -> None:
    raw = (
        b"From: Maria <maria@example.gr>\r\nSubject: Broken\r\nMessage-ID: <b@x>\r\nMIME-Version: 1.0\r\n"
        + mime
    )
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.from_email, parsed.message_id) == ("Broken", "maria@example.gr", "<b@x>")


def test_mbox_from_line_and_leading_newlines_are_skipped() -> None:
    raw = b"\r\nFrom maria@example.gr Tue Apr 14 10:15:00 2026\r\n" + mails.plain()
    assert parse_message(raw).subject == "Order 1234"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b"   \r\n\r\n  ", "empty input"),
        (mails.PNG, "no header block"),
        (b"\x00\x01\x02garbage\xff\xfe", "no header block"),
        (b"Dear support, my order is late.\n", "no header block"),
        (b"Color: red\nSize: XL\n\nnot mail", "no mail header field"),
    ],
)
def test_non_mail_raises_parse_error_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_message(raw)
    assert reason in caught.value.reason


def _all_text(parsed: ParsedMessage) -> list[str]:
    values = [parsed.message_id, parsed.subject, parsed.from_name, parsed.from_email, parsed.reply_to, parsed.text,
              parsed.html, parsed.visible_text, parsed.auto_reason, parsed.language, parsed.charset_note,
              *parsed.to, *parsed.cc, *parsed.in_reply_to, *parsed.references,
              *(a.filename for a in parsed.attachments), *(a.content_type for a in parsed.attachments)]  # fmt: skip
    return values


def _check_never_crashes(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except ParseError:
        return
    for value in _all_text(parsed):
        value.encode("utf-8")  # no lone surrogates: every field can be stored
        assert "\0" not in value  # PostgreSQL text refuses NUL
    assert parsed.message_id.startswith("<")
    assert parsed.message_id.endswith(">")


_SEEDS = [mails.plain(), mails.dsn_bounce(mails.plain()), mails.html_only(HOSTILE_HTML),
          mails.related_image('<p><img src="cid:a"></p>', mails.PNG, "a"),
          mails.with_attachments("x", [("τ.pdf", "application/pdf", mails.PDF)]),
          mails.raw_mail(mails.GREEK_BODY_1253.encode("cp1253"), charset="iso-8859-1"),
          mails.encoded_subject("Άννα", "iso-8859-7")]  # fmt: skip
_FUZZ = settings(max_examples=250, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@_FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_nothing_but_parse_error(raw: bytes) -> None:
    _check_never_crashes(raw)


@_FUZZ
@given(st.sampled_from(_SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), max_size=8),
       st.integers(0, 10**6))  # fmt: skip
def test_mutated_and_truncated_mail_raises_nothing_but_parse_error(seed: bytes, edits: list[tuple[int, bytes]],
                                                                    cut: int) -> None:  # fmt: skip
    data = bytearray(seed)
    for position, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + len(replacement)] = replacement
    _check_never_crashes(bytes(data[: max(1, cut % (len(data) + 1))]))


_FIELDS = st.sampled_from([b"From", b"To", b"Cc", b"Subject", b"Date", b"Message-ID", b"In-Reply-To", b"References",
                           b"Content-Type", b"Content-Disposition", b"Content-Transfer-Encoding", b"Return-Path",
                           b"Auto-Submitted", b"Reply-To", b"Precedence"])  # fmt: skip


@_FUZZ
@given(st.lists(st.tuples(_FIELDS, st.binary(max_size=80)), min_size=1, max_size=10), st.binary(max_size=500))
def test_arbitrary_header_values_raise_nothing_but_parse_error(
    headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    _check_never_crashes(b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body)


# --- The benchmark corpus -----------------------------------------------------------------------


def test_mailgen_is_deterministic_and_its_threads_match_the_headers() -> None:
    corpus = generate(150)
    assert corpus == generate(150)
    assert len(corpus.messages) == len(corpus.threads) == 150
    parsed = [parse_message(raw) for raw in corpus.messages]
    position = {p.message_id: i for i, p in enumerate(parsed)}
    assert len(position) == 150  # every message has its own id
    early = 0
    for i, p in enumerate(parsed):
        refs = [position[ref] for ref in (*p.in_reply_to, *p.references) if ref in position]
        assert all(corpus.threads[j] == corpus.threads[i] for j in refs)
        early += any(j > i for j in refs)
    assert early  # some replies arrive before the message they answer
    greek = [p for p in parsed if p.language == "el"]
    assert 0.1 < len(greek) / len(parsed) < 0.35
    notes = " ".join(p.charset_note for p in greek)
    assert "windows-1253" in notes
    assert "iso-8859-7" in notes
    assert "declared iso-8859-1 is Greek" in notes
    assert all("\ufffd" not in p.text and "Ã" not in p.text for p in greek)  # Greek decodes byte-correct
    assert any(p.attachments for p in parsed)
    assert any(p.html and p.text for p in parsed)
