"""Marketing consents a customer import brings become consent records inside the import's transaction
(source import, a note naming the source system and its date); a preview records nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from pelatis.customers.importing import import_file
from pelatis.customers.models import Customer
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.queries import consent_allows
from pelatis.privacy.services import consent_record

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "pelatis" / "customers" / "tests" / "data"


def run(name: str, **kwargs: Any) -> Any:
    with (DATA / name).open("rb") as f:
        return import_file(source=f, file_name=name, kind="customers", **kwargs)


def test_a_dated_mailchimp_consent_becomes_a_record(manager: Any) -> None:
    assert run("mailchimp_audience_export.csv", by=manager).written
    sofia = Customer.objects.get(first_name="Σοφία")
    record = ConsentRecord.objects.get(customer=sofia)
    assert (record.purpose, record.channel, record.granted, record.source) == (
        "marketing",
        "email",
        True,
        "import",
    )
    assert record.recorded_at.date().isoformat() == "2024-05-02"  # as the source system dated it
    assert record.note.startswith("mailchimp, 2024-05-02")
    assert record.note.endswith("(mailchimp_audience_export.csv)")
    assert record.recorded_by == manager
    assert consent_allows(sofia.pk, "marketing", "email") is True


def test_a_preview_records_nothing() -> None:
    result = run("mailchimp_audience_export.csv", dry_run=True)
    assert result.created == 2
    assert not ConsentRecord.objects.exists()


def test_yes_and_no_per_channel_and_a_repeat_adds_nothing() -> None:
    data = (
        "first_name,last_name,email,email_consent,sms_consent\nΕλένη,Νικολάου,eleni@example.gr,ναι,όχι\n"
    ).encode()
    import_file(source=io.BytesIO(data), file_name="πελάτες.csv", kind="customers")
    eleni = Customer.objects.get(first_name="Ελένη")
    assert consent_allows(eleni.pk, "marketing", "email") is True
    assert consent_allows(eleni.pk, "marketing", "sms") is False
    notes = set(ConsentRecord.objects.filter(customer=eleni).values_list("note", flat=True))
    assert notes == {"file: ναι (πελάτες.csv)", "file: όχι (πελάτες.csv)"}


def test_an_import_never_resubscribes_a_customer_who_unsubscribed(papadopoulos: Customer) -> None:
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=False, source="link")
    data = (
        "first_name,last_name,email,email_consent\n"
        "Γιώργος,Παπαδόπουλος,g.papadopoulos@example.gr,yes\n"
        "Νέος,Πελάτης,new@example.gr,yes\n"
    ).encode()
    import_file(source=io.BytesIO(data), file_name="old.csv", kind="customers")
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    assert consent_allows(Customer.objects.get(first_name="Νέος").pk, "marketing", "email") is True


def test_an_import_that_updates_a_customer_records_their_consent(papadopoulos: Customer) -> None:
    assert consent_allows(papadopoulos.pk, "marketing", "sms") is False  # marketing is opt-in
    data = (
        "first_name,last_name,email,sms_consent\nΓιώργος,Παπαδόπουλος,g.papadopoulos@example.gr,ναι\n"
    ).encode()
    result = import_file(source=io.BytesIO(data), file_name="ενημέρωση.csv", kind="customers")
    assert (result.created, result.updated) == (0, 1)
    assert consent_allows(papadopoulos.pk, "marketing", "sms") is True
    record = ConsentRecord.objects.get(customer=papadopoulos, channel="sms")
    assert (record.purpose, record.granted, record.source) == ("marketing", True, "import")
