"""parse_message sanitises HTML, derives text from it, and folds quoted replies and signatures away."""

from __future__ import annotations

import pytest

from pelatis.channels.parse import parse_message
from pelatis.channels.tests import mails

# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_sanitised() -> None:
    parsed = parse_message(mails.html_only(mails.HOSTILE_HTML))
    html = parsed.html
    for banned in ("<script", "alert", "onload", "onclick", "onerror", "onmouseover", "style", "<iframe", "<form",
                   "<input", "tracker.example", "javascript:", "<title"):  # fmt: skip
        assert banned not in html, banned
    assert '<a href="https://shop.gr/o/1" rel="noopener noreferrer">παραγγελία</a>' in html
    assert '<img src="cid:logo@x" alt="logo">' in html


def test_text_is_derived_from_html_only_mail() -> None:
    parsed = parse_message(mails.html_only(mails.HOSTILE_HTML))
    assert parsed.text == "Γεια σας παραγγελία\nκλικ"
    assert parsed.language == "el"


def test_alternative_prefers_the_text_part_and_keeps_the_html() -> None:
    parsed = parse_message(mails.alternative("Plain version\n", "<p>HTML <b>version</b></p>"))
    assert parsed.text == "Plain version"
    assert parsed.html.startswith("<p>HTML <b>version</b></p>")


def test_html_structure_becomes_readable_text() -> None:
    html = "<p>Hello&nbsp;there,</p><ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>&lt;ok&gt; &amp; caf&eacute;"
    assert parse_message(mails.html_only(html)).text == "Hello there,\n\n- one\n- two\na b\n\n<ok> & café"


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
