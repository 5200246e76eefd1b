"""The data-subject rights end to end: one customer with data in every app is exported (every item is in
the ZIP, as JSON and as CSV), then erased; afterwards a scan of every column of every table finds none of
their names, emails or phones, the customer search (the function and the API's ``?q=``) finds nothing,
and the dashboard's figures are what they were. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.overview import dashboard
from pelatis.channels.models import OutboxMessage
from pelatis.channels.outbox import OUTBOX_BACKEND
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.core.files import StoredObject
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_search
from pelatis.customers.services import customer_create
from pelatis.customers.services.contact_points import address_add
from pelatis.customers.services.orders import order_create, subscription_create
from pelatis.customers.services.timeline import note_add
from pelatis.engagement.services.content import VersionInput, template_save
from pelatis.engagement.services.sending import message_send
from pelatis.feedback.services.csat import csat_answer, csat_survey_for
from pelatis.feedback.services.reviews import ReviewInput, review_ingest
from pelatis.helpdesk.models import Attachment, Ticket
from pelatis.helpdesk.services.messages import reply_send
from pelatis.loyalty.services.ledger import points_adjust
from pelatis.privacy.rights.erase import customer_terms
from pelatis.privacy.services import consent_record

from .privacy_scan import scan

pytestmark = pytest.mark.django_db(transaction=False)

FIRST, LAST = "Ευστάθιος", "Καραμπατζόγλου"
FULL = f"{FIRST} {LAST}"
EMAILS = ["e.karabatzoglou@example.gr", "stathis.kara@mail.example.com"]
PHONE_TYPED, PHONE = "697 555 0142", "+306975550142"
PHONE_FORMS = [PHONE, "306975550142", "6975550142"]
VAT = "094259216"
ATTACHMENT = b"%PDF-1.4 apodeixi agoras " + FULL.encode()
SURVEY_COMMENT = "Άψογη εξυπηρέτηση, ευχαριστώ πολύ!"
REVIEW_TEXT = "Πολύ καλό κατάστημα, γρήγορη παράδοση."
LEDGER_REASON = "Καλωσόρισμα στο πρόγραμμα"
SEND_SUBJECT = "Νέα καφετιέρα για εσάς"


@pytest.fixture
def person(settings: Any, tmp_path: Path, manager: Any, django_capture_on_commit_callbacks: Any) -> Customer:
    """One customer with data in every app."""
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_create(
            data=CustomerInput(
                first_name=FIRST,
                last_name=LAST,
                emails=EMAILS,
                phones=[PHONE_TYPED],
                vat_number=VAT,
                notes=f"Προτιμά επικοινωνία στο {PHONE_TYPED}.",
            )
        )
        address_add(customer=customer, line1="Ερμού 25", city="Αθήνα", postcode="10563", is_primary=True)
        for ref, days, price in (("WEB-7001", 40, "89.90"), ("WEB-7002", 12, "24.50")):
            order_create(
                customer=customer,
                data=OrderInput(
                    reference=ref,
                    placed_at=now - dt.timedelta(days=days),
                    lines=[OrderLineInput(name="Καφετιέρα", unit_price=price, category="Οικιακά")],
                ),
            )
        subscription_create(
            customer=customer,
            data=SubscriptionInput(
                product="Συνδρομή καφέ",
                started_on=now.date() - dt.timedelta(days=60),
                renews_on=now.date() + dt.timedelta(days=300),
                price=Decimal("15.00"),
            ),
        )
        note_add(customer=customer, body=f"Τηλεφώνησε ο {FULL} από το {PHONE_TYPED}.", by=manager)
        consent_record(customer=customer, purpose="marketing", channel="email", granted=True, source="form")
        result = mail_ingest(
            mail(
                sender=f"{FULL} <{EMAILS[0]}>",
                subject="Απόδειξη παραγγελίας WEB-7001",
                body=f"Καλησπέρα,\nστείλτε μου την απόδειξη.\n\n{FULL}\n{PHONE_TYPED}\n",
                attachments=[("apodeixi.pdf", "application/pdf", ATTACHMENT)],
            )
        )
        assert result.ticket_id is not None
        ticket = Ticket.objects.get(pk=result.ticket_id)
        reply_send(ticket=ticket, body_text="Σας την στείλαμε, ευχαριστούμε.", by=manager)
        survey = csat_survey_for(ticket=ticket)
        csat_answer(survey=survey, score=5, comment=SURVEY_COMMENT)
        review_ingest(
            data=ReviewInput(
                platform="google",
                external_id="rights-1",
                published_at=now,
                rating=5,
                text=REVIEW_TEXT,
                author=FULL,
                author_email=EMAILS[1],
            )
        )
        points_adjust(customer=customer, points=120, reason=LEDGER_REASON, by=manager)
        template = template_save(
            name="Προτάσεις",
            channel="email",
            purpose="marketing",
            fallback_language="el",
            versions=[
                VersionInput(language="el", subject=SEND_SUBJECT, body="Αγαπητέ {{ address }}, δείτε τη.")
            ],
        )
        message_send(key="rights:1", customer_id=customer.pk, template=template, channel="email")
    assert Attachment.objects.filter(message__ticket=ticket).exclude(file="").count() == 1
    return customer


def _zip_texts(path: Path) -> tuple[str, str, dict[str, bytes]]:
    """All JSON text, all CSV text, and the files, of an export ZIP."""
    jsons, csvs, files = [], [], {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.startswith("files/"):
                files[name] = data
            elif name.endswith(".json"):
                jsons.append(json.dumps(json.loads(data), ensure_ascii=False))
            elif name.endswith(".csv"):
                assert data.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
                csvs.append(data.decode("utf-8-sig"))
    return "\n".join(jsons), "\n".join(csvs), files


def _search_terms() -> list[str]:
    return [FULL, f"{LAST} {FIRST}", LAST, *EMAILS, PHONE, "6975550142", VAT]


def test_export_has_everything_and_erasure_leaves_no_trace(
    person: Customer, api_as: Any, manager: Any, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    # given: the export
    out = io.StringIO()
    call_command("privacy", "export", str(person.pk), stdout=out)
    path = Path(out.getvalue().strip().splitlines()[-1])
    print(f"\n{out.getvalue()}")  # the table of contents, for the record (pytest -s)
    assert path.is_file()
    jsons, csvs, files = _zip_texts(path)
    items = [FULL, *EMAILS, PHONE, VAT, "Ερμού 25", "WEB-7001", "WEB-7002", "Συνδρομή καφέ"]
    items += ["Απόδειξη παραγγελίας", "στείλτε μου την απόδειξη", "Σας την στείλαμε"]
    items += [SURVEY_COMMENT, REVIEW_TEXT, LEDGER_REASON, SEND_SUBJECT, "marketing"]
    missing_json = [i for i in items if i not in jsons]
    missing_csv = [i for i in items if i not in csvs]
    # Every shortfall is collected and reported at the end, so one run shows them all.
    problems = [f"not in the JSON files: {i}" for i in missing_json]
    problems += [f"not in the CSV files: {i}" for i in missing_csv]
    if ATTACHMENT not in files.values():
        problems.append("the attachment is not in the ZIP")
    outbox = [bytes(raw) for raw in OutboxMessage.objects.values_list("raw", flat=True)]
    assert len(outbox) == 2  # the agent's reply and the campaign's email
    if not all(raw in files.values() for raw in outbox):
        problems.append("an outbox copy is not in the ZIP")
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.html").decode()
    assert "Περιεχόμενα" in readme or "Contents" in readme

    terms = customer_terms(person.pk) | {FULL, *EMAILS, *PHONE_FORMS}
    assert {FULL, *EMAILS, PHONE} <= terms
    before = dashboard(Filters.default())
    on_disk = [StoredObject(str(a.file.name)) for a in Attachment.objects.exclude(file="")]
    assert on_disk
    assert all(f.exists() for f in on_disk)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "privacy", "erase", str(person.pk), "--reason", "Αίτημα διαγραφής", "--yes", stdout=io.StringIO()
        )

    # then (a): no column of any table names the person
    # The surname alone, and the name as our replies address him (vocative), must be gone too.
    result = scan(terms | {LAST, "Ευστάθιε"}, names=[FULL, f"{LAST} {FIRST}", LAST])
    print(
        f"\nerasure scan: {result.tables} tables, {result.columns} columns "
        f"({result.text_columns} text/JSON/binary), {result.rows} rows, {len(result.hits)} hits"
    )
    assert result.tables > 50
    assert result.text_columns > 200
    problems += [f"still in {table}.{column}: {term}" for table, column, term in result.hits]
    if any(f.exists() for f in on_disk):
        problems.append("attachment files are left in the file storage")
    # (b): the search finds nothing
    client = api_as(manager)
    for term in _search_terms():
        if customer_search(term).customers:
            problems.append(f"the customer search finds {term}")
        response = client.get("/api/v1/customers", q=term)
        assert response.status_code == 200
        if response.json()["items"]:
            problems.append(f"the API's ?q= finds {term}")
    # (c): the dashboard is unchanged
    after = dashboard(Filters.default())
    if after != before:
        problems.append(f"the dashboard changed: {_differences(before, after)}")
    person.refresh_from_db()
    assert person.erased_at is not None
    assert person.orders.count() == 2
    assert not problems, "\n".join(problems)


def _differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Where two dashboards differ, as paths (for the failure message)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            d
            for k in sorted(set(before) | set(after))
            for d in _differences(before.get(k), after.get(k), f"{path}.{k}")
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            d
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    return [] if before == after else [f"{path}: {before!r} → {after!r}"]
