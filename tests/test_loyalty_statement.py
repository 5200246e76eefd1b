"""The customer's points statement: opening balance, every entry of the period, closing balance and tier, in
the customer's language, on screen and as a PDF whose text (read back through the font's Unicode map) is
the Greek that was written."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.customers.models import Customer
from pelatis.loyalty import statement as statement_module
from pelatis.loyalty.models import LedgerEntry, Tier
from pelatis.loyalty.services.ledger import points_adjust, points_redeem
from pelatis.loyalty.services.tiers import tiers_evaluate

pytestmark = pytest.mark.django_db

ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"(": b"(",
    b")": b")",
    b"\\": b"\\",
}


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes, escapes undone."""
    out, i = bytearray(), 0
    while i < len(raw):
        char = raw[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text a reader copies out of an fpdf2 PDF: each Tj string's glyph ids mapped by the ToUnicode CMap."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    cmap: dict[int, str] = {}
    for stream in streams:
        if b"begincmap" not in stream:
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for glyph, code in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                cmap[int(glyph, 16)] = bytes.fromhex(code.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, code in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                first = int(code, 16)
                for n, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    cmap[glyph] = chr(first + n)
    assert cmap, "no ToUnicode map in the PDF"
    lines = []
    for stream in streams:
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            data = _literal(raw)
            lines.append(
                "".join(cmap.get(int.from_bytes(data[i : i + 2], "big"), "?") for i in range(0, len(data), 2))
            )
    return "\n".join(lines)


@pytest.fixture
def eleni(make_customer: Any) -> Customer:
    customer: Customer = make_customer(first_name="Ελένη", last_name="Κωνσταντίνου", language="el")
    opening = points_adjust(customer=customer, points=200, reason="Μεταφορά από την κάρτα", by=None)
    LedgerEntry.objects.filter(pk=opening.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    points_adjust(customer=customer, points=50, reason="Ευχαριστούμε για την υπομονή", by=None)
    points_redeem(customer=customer, points=30, reason="Δωρεάν καφές στο ταμείο", by=None)
    Tier.objects.create(name="Ασημένιο", name_en="Silver", threshold=Decimal("0"))
    tiers_evaluate(customer_ids=[customer.pk])
    return customer


def _period() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": (today - dt.timedelta(days=7)).isoformat(), "end": today.isoformat()}


def test_the_statement_has_opening_entries_closing_and_tier(eleni: Customer) -> None:
    today = timezone.localdate()
    s = statement_module.statement_of(eleni, start=today - dt.timedelta(days=7), end=today)
    assert (s.language, s.opening, s.closing, s.tier) == ("el", 200, 220, "Ασημένιο")
    assert [(r.detail, r.points, r.balance) for r in s.rows] == [
        ("Ευχαριστούμε για την υπομονή", 50, 250),
        ("Δωρεάν καφές στο ταμείο", -30, 220),
    ]
    with translation.override("el"):
        assert s.rows[1].kind == str(LedgerEntry.Kind.REDEEM.label)


def test_the_pdf_carries_the_greek_text(client_as: Any, reader: Any, eleni: Customer) -> None:
    response = client_as(reader).get(reverse("loyalty:statement_pdf", args=[eleni.pk]), _period())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="statement-')
    text = pdf_text(response.content)
    for expected in (
        "Ελένη Κωνσταντίνου",
        "Δωρεάν καφές στο ταμείο",
        "Ευχαριστούμε για την υπομονή",
        "Ασημένιο",
    ):
        assert expected in text, text
    with translation.override("el"):
        assert str(LedgerEntry.Kind.REDEEM.label) in text
    assert "Μεταφορά από την κάρτα" not in text  # before the period: only in the opening balance
    assert "220" in text


def test_an_english_customer_gets_an_english_statement(
    client_as: Any, reader: Any, make_customer: Any
) -> None:
    customer = make_customer(first_name="Anna", last_name="Smith", language="en")
    points_adjust(customer=customer, points=75, reason="Welcome gift", by=None)
    Tier.objects.create(name="Ασημένιο", name_en="Silver", threshold=Decimal("0"))
    tiers_evaluate(customer_ids=[customer.pk])
    text = pdf_text(client_as(reader).get(reverse("loyalty:statement_pdf", args=[customer.pk])).content)
    assert "Opening balance: 0 points" in text
    assert "Closing balance: 75 points" in text
    assert "Silver" in text
    assert "Welcome gift" in text


def test_the_statement_page_shows_the_same(client_as: Any, reader: Any, eleni: Customer) -> None:
    response = client_as(reader).get(reverse("loyalty:statement", args=[eleni.pk]), _period())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-opening="200"' in html
    assert 'data-closing="220"' in html
    assert "Δωρεάν καφές στο ταμείο" in html
    assert 'lang="el"' in html
    # a date input takes ISO dates only: the period stays filled in, whatever the page's language
    assert f'value="{_period()["start"]}"' in html
    bad = client_as(reader).get(
        reverse("loyalty:statement", args=[eleni.pk]), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert bad.status_code == 422
    assert 'data-error-for="end"' in bad.content.decode()


def test_a_missing_font_is_a_clear_error(
    client_as: Any, reader: Any, eleni: Customer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(statement_module, "FONT_PATH", tmp_path / "DejaVuSans.ttf")
    response = client_as(reader).get(reverse("loyalty:statement_pdf", args=[eleni.pk]))
    assert response.status_code == 503
    assert "fonts-dejavu-core" in response.content.decode()


def test_someone_without_a_role_gets_403(client_as: Any, outsider: Any, eleni: Customer) -> None:
    assert client_as(outsider).get(reverse("loyalty:statement", args=[eleni.pk])).status_code == 403
    assert client_as(outsider).get(reverse("loyalty:statement_pdf", args=[eleni.pk])).status_code == 403


def test_without_tiers_or_points_the_statement_says_so(
    client_as: Any, reader: Any, make_customer: Any
) -> None:
    customer = make_customer(first_name="Anna", last_name="Smith", language="en")
    html = client_as(reader).get(reverse("loyalty:statement", args=[customer.pk])).content.decode()
    assert "Tier: none" in html
    assert "No movements in this period." in html
    assert 'data-closing="0"' in html
    text = pdf_text(client_as(reader).get(reverse("loyalty:statement_pdf", args=[customer.pk])).content)
    assert "Tier: none" in text
    assert "No movements in this period." in text
