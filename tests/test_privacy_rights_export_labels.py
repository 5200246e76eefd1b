"""A Greek customer's export reads as Greek: every CSV header is a short Greek label, no human column holds a raw
code (a choice's key, a sales channel, a language, a record type, a JSON array, our "[auto]" marker), and
every amount people read is written one way (``format_money`` in Greek, "89,90 €"), with the plain
number and currency beside it for programs. And every item an erasure counts has a name people read."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import IO, Any

import pytest
from django.apps import apps
from django.utils import translation

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.core.formatting import _SALES_CHANNELS
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message
from pelatis.privacy.rights.erase import customer_erase
from pelatis.privacy.rights.export import customer_export
from pelatis.privacy.rights.labels import ITEM_LABELS, item_label

from .test_privacy_rights import EMAILS, person  # noqa: F401 — the customer with data in every app

pytestmark = pytest.mark.django_db(transaction=False)

# Headers kept as they are in every language: a record's number.
ASCII_HEADERS = {"ID"}
# The request log's sections still head their columns with the schema's sentences (pending their labels).
SENTENCE_HEADERS: set[str] = set()  # every section labels its columns
# Words Greek writes in Latin letters.
LATIN_WORDS = {"email", "Email", "SMS", "NPS"}
# Columns for programs (by JSON key): codes, plain amounts and the currency, record numbers.
MACHINE_SUFFIXES = ("_code", "_amount")
MACHINE_KEYS = {"currency", "id", "source_id", "request", "ticket", "order_reference", "reference"}
GREEK_MONEY = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d{2}\xa0€$")
OTHER_MONEY = re.compile(r"\d[\d.,]*\s?(?:EUR|USD)\b|€\s?\d|^\d+\.\d{2}$")


def _codes() -> set[str]:
    """Every choice key of every model, the sales channels' keys, language codes and record types."""
    found = set(_SALES_CHANNELS) | {"el", "en"}
    for model in apps.get_models():
        found.add(model._meta.label_lower)
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value and value.isascii() and not value.isdigit():
                    found.add(value)
    return found


def _sections(path: Path | IO[bytes]) -> list[tuple[str, list[str], list[str], list[list[str]]]]:
    """Per CSV: its name, each column's JSON key, the header row, the data rows."""
    out = []
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
        for section in schema["sections"]:
            rows = json.loads(archive.read(section["json"]))
            keys = list(section["fields"])
            for row in rows:
                keys.extend(k for k in row if k not in keys)
            text = archive.read(section["csv"]).decode("utf-8-sig")
            header, *data = list(csv.reader(io.StringIO(text), delimiter=schema["csv"]["delimiter"]))
            assert len(header) == len(keys), section["csv"]
            out.append((section["csv"], keys, header, data))
    return out


def _machine(key: str) -> bool:
    return key.endswith(MACHINE_SUFFIXES) or key in MACHINE_KEYS


def test_greek_export_reads_as_greek(
    person: Customer,  # noqa: F811 — the fixture
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a second request, which got our automatic acknowledgement (its text starts with "[auto]")
    with django_capture_on_commit_callbacks(execute=True):
        mail_ingest(mail(sender=EMAILS[0], subject="Πότε έρχεται η παραγγελία;", body="Καλησπέρα."))
    assert Message.objects.filter(ticket__customer=person, body_text__startswith="[auto]").count() == 1
    assert person.language == "el"

    # when
    path = customer_export(person.pk).open()

    # then
    codes = _codes()
    problems: list[str] = []
    money_columns = 0
    automatic = 0
    for name, keys, header, rows in _sections(path):
        for key, title in zip(keys, header, strict=True):
            latin = set(re.findall(r"[A-Za-z]{2,}", title)) - LATIN_WORDS
            if title not in ASCII_HEADERS and (title.isascii() or latin):
                problems.append(f"{name}: header {title!r} ({key}) is not Greek")
            elif title.endswith(".") and name not in SENTENCE_HEADERS:
                problems.append(f"{name}: header {title!r} ({key}) is a sentence, not a label")
        for row in rows:
            for key, cell in zip(keys, row, strict=True):
                if "[auto]" in cell:
                    problems.append(f"{name}.{key}: our [auto] marker: {cell!r}")
                if _machine(key) or not cell:
                    continue
                if cell in codes:
                    problems.append(f"{name}.{key}: the raw code {cell!r}")
                if cell.startswith(("[", "{")):
                    problems.append(f"{name}.{key}: JSON in a cell: {cell[:60]!r}")
                if f"{key}_amount" in keys:
                    money_columns += 1
                    if not GREEK_MONEY.match(cell):
                        problems.append(f"{name}.{key}: money written as {cell!r}")
                elif key not in ("summary", "subject", "text", "body") and OTHER_MONEY.search(cell):
                    problems.append(f"{name}.{key}: money in another format: {cell!r}")
            if name == "messages.csv":
                automatic += row[keys.index("automatic")] == "ναι"
    assert not problems, "\n".join(problems)
    assert money_columns >= 3  # the two orders' totals, the subscription's price
    assert automatic == 1


def test_every_item_an_erasure_counts_has_a_label(
    person: Customer,  # noqa: F811 — the fixture
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        summary = customer_erase(person.pk, reason="Αίτημα διαγραφής")
    items = {item for counts in summary.counts.values() for item in counts}
    assert {"tickets", "nps_comments", "ledger_reasons", "sent_message_subjects", "consent_notes"} <= items
    missing = sorted(items - set(ITEM_LABELS))
    assert not missing, f"items with no label: {missing}"
    with translation.override("el"):
        assert item_label("messages") == "μηνύματα"
