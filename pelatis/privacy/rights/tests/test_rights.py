"""The rights of access and erasure on their own: the ZIP's layout (README contents in the customer's
language, schema, JSON and CSV with a BOM), a dry run that changes nothing, a second erasure refused,
the command line's refusal without --yes, and who may use the buttons and pages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from pelatis.core.models import AuditEvent
from pelatis.customers.models import ContactPoint, Customer, SearchTerm
from pelatis.customers.queries import customer_search
from pelatis.customers.services.timeline import note_add
from pelatis.privacy.rights.erase import customer_erase, customer_terms
from pelatis.privacy.rights.export import customer_export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_the_zip_has_a_greek_table_of_contents_a_schema_and_json_and_csv_per_part(
    papadopoulos: Customer, make_order: Any, data_dir: Path
) -> None:
    make_order(papadopoulos, "WEB-1", total="12.50")

    stored = customer_export(papadopoulos.pk)

    assert stored.name.startswith(f"exports/privacy/customer-{papadopoulos.pk}-")
    with zipfile.ZipFile(stored.open()) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.html").decode()
        schema = json.loads(archive.read("schema.json"))
        profile = json.loads(archive.read("profile.json"))
        orders_csv = archive.read("orders.csv")
    keys = [s["key"] for s in schema["sections"]]
    assert {"profile", "contact_points", "orders", "timeline"} <= set(keys)
    for key in keys:
        assert {f"{key}.json", f"{key}.csv"} <= names
    assert '<html lang="el">' in readme
    assert "Παραγγελίες" in readme  # the section titles in the customer's language
    assert "<script" not in readme
    assert "style=" not in readme
    assert profile[0]["last_name"] == "Παπαδόπουλος"
    assert orders_csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(orders_csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "WEB-1"
    assert "12,50\xa0€" in rows[1]  # money as the customer reads it (a plain amount column beside it)
    assert AuditEvent.objects.filter(action="export", customer_id=papadopoulos.pk).count() == 1


def test_a_dry_run_counts_and_changes_nothing(papadopoulos: Customer) -> None:
    summary = customer_erase(papadopoulos.pk, reason="", dry_run=True)

    assert summary.counts["customers"]["contact_points"] == 2
    assert summary.counts["customers"]["profiles"] == 1
    assert summary.dry_run
    assert summary.erased_at is None
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None
    assert papadopoulos.last_name == "Παπαδόπουλος"
    assert ContactPoint.objects.filter(customer=papadopoulos).count() == 2
    assert customer_search("Παπαδόπουλος").customers == [papadopoulos]
    assert not AuditEvent.objects.filter(action="erase").exists()


def test_erasure_empties_the_profile_and_a_second_one_is_refused(
    papadopoulos: Customer, make_order: Any, manager: Any
) -> None:
    make_order(papadopoulos, "WEB-2")
    note_add(customer=papadopoulos, body="Ζήτησε τιμολόγιο στο g.papadopoulos@example.gr", by=manager)
    assert "g.papadopoulos@example.gr" in customer_terms(papadopoulos.pk)

    summary = customer_erase(papadopoulos.pk, reason="Αίτημα του πελάτη", actor=manager)

    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is not None
    assert (papadopoulos.first_name, papadopoulos.last_name, papadopoulos.vat_number) == ("[erased]", "", "")
    assert not SearchTerm.objects.filter(customer=papadopoulos).exists()
    assert papadopoulos.orders.count() == 1
    assert any("1 orders" in hold or "1" in hold for hold in summary.holds)
    assert "papadopoulos" not in papadopoulos.interactions.get(channel="note").body
    event = AuditEvent.objects.get(action="erase", customer_id=papadopoulos.pk)
    assert event.actor == manager
    with pytest.raises(ValidationError) as refused:
        customer_erase(papadopoulos.pk, reason="ξανά")
    assert "already erased" in str(refused.value.message_dict["customer"])
    assert AuditEvent.objects.filter(action="erase").count() == 1


def test_erasure_needs_a_reason(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        customer_erase(papadopoulos.pk, reason="  ")
    assert "reason" in refused.value.message_dict
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None


def test_erasure_deletes_earlier_export_zips(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    stored = customer_export(papadopoulos.pk)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(papadopoulos.pk, reason="Αίτημα")
    assert not stored.exists()


def test_the_command_refuses_to_erase_without_yes_when_nobody_can_answer(papadopoulos: Customer) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("privacy", "erase", str(papadopoulos.pk), "--reason", "Αίτημα", stdout=io.StringIO())
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None


def test_the_command_prints_the_counts_and_the_zip_path_last(papadopoulos: Customer, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("privacy", "export", str(papadopoulos.pk), "--out", str(tmp_path / "p.zip"), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == str(tmp_path / "p.zip")

    out = io.StringIO()
    call_command("privacy", "erase", str(papadopoulos.pk), "--reason", "Αίτημα", "--yes", stdout=out)
    assert "emails and phones" in out.getvalue()
    with pytest.raises(CommandError, match="already erased"):
        call_command(
            "privacy", "erase", str(papadopoulos.pk), "--reason", "Αίτημα", "--yes", stdout=io.StringIO()
        )


def test_agents_see_no_buttons_and_get_403(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    client = client_as(agent)
    page = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert "data-rights-export" not in page
    assert "data-rights-erase" not in page
    assert client.post(reverse("privacy:rights_export", args=[papadopoulos.pk])).status_code == 403
    assert client.get(reverse("privacy:rights_erase", args=[papadopoulos.pk])).status_code == 403
    response = client.post(
        reverse("privacy:rights_erase", args=[papadopoulos.pk]),
        {"reason": "x", "confirm": str(papadopoulos.pk)},
    )
    assert response.status_code == 403
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None


def test_a_manager_downloads_the_zip(client_as: Any, manager: Any, papadopoulos: Customer) -> None:
    client = client_as(manager)
    page = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert "data-rights-export" in page
    assert client.get(reverse("privacy:rights_export", args=[papadopoulos.pk])).status_code == 405

    response = client.post(reverse("privacy:rights_export", args=[papadopoulos.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "README.html" in archive.namelist()


def test_a_manager_confirms_with_the_number_and_a_reason(
    client_as: Any, manager: Any, papadopoulos: Customer
) -> None:
    client = client_as(manager)
    url = reverse("privacy:rights_erase", args=[papadopoulos.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"data-erase-counts" in page.content

    wrong = client.post(url, {"reason": "Αίτημα", "confirm": "κάποιος άλλος"})
    assert wrong.status_code == 422
    no_reason = client.post(url, {"reason": "", "confirm": str(papadopoulos.pk)})
    assert no_reason.status_code == 422
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None

    done = client.post(url, {"reason": "Αίτημα του πελάτη", "confirm": "γιωργος παπαδοπουλος"})

    assert done.status_code == 302
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is not None
    detail = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert "data-erased" in detail
    assert "data-rights-erase" not in detail
    assert client.get(url).status_code == 409


def test_the_command_asks_in_a_terminal_and_erases_only_on_the_customer_number(
    papadopoulos: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["όχι", str(papadopoulos.pk)])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))

    with pytest.raises(CommandError, match="Not erased"):
        call_command("privacy", "erase", str(papadopoulos.pk), "--reason", "Αίτημα", stdout=io.StringIO())
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is None

    call_command("privacy", "erase", str(papadopoulos.pk), "--reason", "Αίτημα", stdout=io.StringIO())
    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is not None


def test_the_command_names_a_missing_customer(db: None) -> None:
    with pytest.raises(CommandError, match="no customer 999"):
        call_command("privacy", "export", "999", stdout=io.StringIO())
