"""parse_message never raises on bad mail but ParseError for what is not mail at all (fuzzed), and the
benchmark corpus parses into its threads."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.mailgen import generate
from pelatis.channels.parse import ParsedMessage, ParseError, parse_message
from pelatis.channels.tests import mails

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


_SEEDS = [mails.plain(), mails.dsn_bounce(mails.plain()), mails.html_only(mails.HOSTILE_HTML),
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
