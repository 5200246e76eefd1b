"""Customer import: validation that names the row and column, what is written, re-import, bulk loading."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.importing import (
    RowError,
)
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import (
    Customer,
    ImportJob,
    Interaction,
    SearchTerm,
    Tag,
)
from pelatis.customers.services import customer_create, search_reindex
from pelatis.customers.tests.import_files import GREEK_ROWS, counts, csv_bytes, run

# ---------------------------------------------------------------- validation


def test_bad_rows_are_all_reported_and_nothing_is_written(db: None, papadopoulos: Customer) -> None:
    # given
    before = counts()
    rows = [
        ["Όνομα", "Επώνυμο", "Email", "Κινητό", "ΑΦΜ", "Ημερομηνία γέννησης"],
        ["Άννα", "Καλή", "anna@example.gr", "6971111111", "", ""],
        ["Μαρία", "Κακή", "not-an-email", "12", "094259217", "31/02/1980"],
        ["", "", "", "", "", ""],
        ["", "", "x@example.gr", "", "", ""],
        ["Νίκος", "Σωστός", "", "", "", ""],
    ]
    # when
    result = run(csv_bytes(rows, delimiter=";"))
    # then
    assert result.written is False
    assert (result.total, result.invalid, result.created, result.updated) == (4, 2, 0, 0)
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "Email"),
        (3, "Κινητό"),
        (3, "ΑΦΜ"),
        (3, "Ημερομηνία γέννησης"),
        (5, "Επώνυμο"),
    }
    assert any("not-an-email" in e.message for e in result.errors)
    assert counts() == before
    job = ImportJob.objects.get(pk=result.job_id)
    assert job.status == ImportJob.Status.REJECTED
    assert (job.rows_total, job.rows_invalid, len(job.errors)) == (4, 2, 5)


def test_skip_invalid_writes_the_valid_rows_and_keeps_the_report(db: None) -> None:
    rows = [
        ["first_name", "last_name", "email"],
        ["Άννα", "Καλή", "anna@example.gr"],
        ["Μαρία", "Κακή", "nope"],
        ["Νίκος", "Σωστός", "nikos@example.gr"],
    ]
    result = run(csv_bytes(rows), skip_invalid=True)
    assert result.written is True
    assert (result.created, result.invalid) == (2, 1)
    assert result.errors == [RowError(3, "email", "“nope” is not a valid email address")]
    assert sorted(Customer.objects.values_list("last_name", flat=True)) == ["Καλή", "Σωστός"]
    assert ImportJob.objects.get(pk=result.job_id).status == ImportJob.Status.PARTIAL


def test_row_numbers_count_blank_lines_and_quoted_line_breaks(db: None) -> None:
    data = 'last_name,email,notes\r\n\r\nΚαλή,a@example.gr,"δύο\r\nγραμμές"\r\nΚακή,bad,\r\n'.encode()
    result = run(data)
    assert [(e.row, e.column) for e in result.errors] == [(5, "email")]


def test_stored_errors_are_capped(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pelatis.customers.importing.common.MAX_STORED_ERRORS", 3)
    rows = [["last_name", "email"]] + [[f"Κ{i}", f"bad{i}"] for i in range(5)]
    result = run(csv_bytes(rows))
    stored = ImportJob.objects.get(pk=result.job_id).errors
    assert len(result.errors) == 5
    assert len(stored) == 4
    assert stored[-1]["more"] == 2


# ---------------------------------------------------------------- what is written


def test_derived_fields_search_terms_and_timeline_match_the_services(db: None, agent: Any) -> None:
    # given
    rows = [
        ["Κωδικός πελάτη", "Όνομα", "Επώνυμο", "Εταιρεία", "Email", "Τηλέφωνο", "ΑΦΜ", "Προσφώνηση"],
        [
            "C-1",
            "Γιώργος",
            "Παπαδόπουλος",
            "Αιγαίο ΑΕ",
            "g@example.gr",
            "697 123 4567 | 2101234567",
            "094259216",
            "κ.",
        ],
        ["C-2", "", "", "Ξενοδοχεία Κυκλάδων ΙΚΕ", "info@kyklades.gr", "", "", ""],
    ]
    # when
    result = run(csv_bytes(rows), by=agent)
    # then: the same derived fields as customer_create
    assert result.created == 2
    imported = Customer.objects.get(external_ref="C-1")
    reference = customer_create(
        data=CustomerInput(first_name="Γιώργος", last_name="Παπαδόπουλος", company_name="Αιγαίο ΑΕ")
    )
    for name in ("display_name", "sort_name", "name_key", "name_day_name"):
        assert getattr(imported, name) == getattr(reference, name)
    company = Customer.objects.get(external_ref="C-2")
    assert (company.kind, company.display_name) == ("company", "Ξενοδοχεία Κυκλάδων ΙΚΕ")
    # and the same search terms as search_reindex
    ids = [imported.pk, company.pk]
    terms = {
        cid: set(SearchTerm.objects.filter(customer_id=cid).values_list("term", flat=True)) for cid in ids
    }
    assert "p:2101234567" in terms[imported.pk]
    search_reindex(customer_ids=ids)
    assert terms == {
        cid: set(SearchTerm.objects.filter(customer_id=cid).values_list("term", flat=True)) for cid in ids
    }
    assert SearchTerm.objects.filter(customer_id=imported.pk).count() == len(terms[imported.pk])
    # one timeline entry each
    event = Interaction.objects.get(customer=imported)
    assert (event.summary, event.actor, event.source_type, event.source_id) == (
        "Imported from pelates.csv",
        agent,
        "customers.importjob",
        str(result.job_id),
    )
    assert Interaction.objects.filter(customer=company).count() == 1
    primary = imported.contact_points.filter(kind="phone", is_primary=True).get()
    assert primary.value == "+306971234567"


def test_tags_match_existing_ones_case_insensitively(db: None) -> None:
    vip = Tag.objects.create(name="VIP")
    run(csv_bytes([["last_name", "tags"], ["Ρήγας", "vip; Νέος"]]))
    customer = Customer.objects.get()
    assert set(customer.tags.all()) == {vip, Tag.objects.get(name="Νέος")}


def test_address_columns_make_a_primary_address(db: None) -> None:
    rows = [
        ["Επώνυμο", "Διεύθυνση", "Πόλη", "ΤΚ", "Χώρα", "Τηλέφωνο"],
        ["Müller", "Hauptstraße 1", "Berlin", "10115", "Germany", "030 1234567"],
        ["Ρήγας", "Ερμού 10", "Αθήνα", "105 63", "", ""],
    ]
    result = run(csv_bytes(rows))
    assert result.errors == []
    muller = Customer.objects.get(last_name="Müller")
    address = muller.addresses.get()
    assert (address.line1, address.city, address.postcode, address.country, address.is_primary) == (
        "Hauptstraße 1",
        "Berlin",
        "10115",
        "DE",
        True,
    )
    assert muller.contact_points.get().value == "+49301234567"  # the row's country decides the phone's region
    assert Customer.objects.get(last_name="Ρήγας").addresses.get().country == "GR"


def test_progress_is_reported_up_to_the_total(db: None) -> None:
    rows = [["last_name"]] + [[f"Πελάτης {i}"] for i in range(2500)]
    calls: list[tuple[int, int]] = []
    run(csv_bytes(rows), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (2500, 2500)
    assert all(total == 2500 for _d, total in calls)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)
    assert len(calls) >= 3


# ---------------------------------------------------------------- re-import


def test_reimporting_the_same_file_updates_instead_of_duplicating(db: None) -> None:
    data = csv_bytes(GREEK_ROWS, delimiter=";", bom=True)
    first = run(data)
    before = counts()
    second = run(data)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged, second.written) == (0, 0, 3, True)
    assert counts() == before  # nothing changed, so nothing is written, not even a timeline entry
    # when one row changes a filled field: kept by default
    rows = [list(r) for r in GREEK_ROWS]
    rows[1][7] = "Νέα σημείωση"
    third = run(csv_bytes(rows, delimiter=";"))
    assert (third.created, third.updated, third.unchanged) == (0, 0, 3)
    assert Customer.objects.get(first_name="Άννα").notes == "Προτιμά όροφο με θέα"
    assert [(f["field"], f["kept"]) for c in third.changes for f in c["fields"]] == [("notes", "filled")]
    # and replaced when the import overwrites: only that customer gets written and a timeline entry
    fourth = run(csv_bytes(rows, delimiter=";"), overwrite=True)
    assert (fourth.created, fourth.updated, fourth.unchanged) == (0, 1, 2)
    assert Customer.objects.get(first_name="Άννα").notes == "Νέα σημείωση"
    entry = Interaction.objects.get(summary__startswith="Updated from import")
    assert entry.summary == "Updated from import of pelates.csv: Notes"
    assert counts()[:3] == before[:3]


def test_a_reimport_fills_and_replaces_given_fields_only(db: None, papadopoulos: Customer) -> None:
    # given: the fixture customer, found by phone; the file changes his title and adds an email and a tag
    rows = [
        ["Επώνυμο", "Όνομα", "Προσφώνηση", "Τηλέφωνο", "Email", "Ετικέτες", "Σημειώσεις"],
        ["Παπαδόπουλος", "", "Dr", "+30 697 123 4567", "giorgos@example.com", "Νέος", ""],
    ]
    # when
    result = run(csv_bytes(rows), overwrite=True)
    # then
    assert (result.created, result.updated) == (0, 1)
    papadopoulos.refresh_from_db()
    assert papadopoulos.title == "Dr"
    assert papadopoulos.first_name == "Γιώργος"  # an empty cell leaves the value
    assert papadopoulos.vat_number == "094259216"
    assert set(papadopoulos.tags.values_list("name", flat=True)) == {"VIP", "Νέος"}
    emails = list(papadopoulos.contact_points.filter(kind="email").values_list("value", "is_primary"))
    assert emails == [("g.papadopoulos@example.gr", True), ("giorgos@example.com", False)]
    assert SearchTerm.objects.filter(customer=papadopoulos, term="e:giorgos@example.com").exists()
    assert Customer.objects.count() == 1


def test_matching_prefers_external_ref_then_email_then_phone(db: None, make_customer: Any) -> None:
    by_ref = make_customer(last_name="Α", external_ref="R-1", emails=["shared@example.gr"])
    by_email = make_customer(last_name="Β", emails=["b@example.gr"])
    by_phone = make_customer(last_name="Γ", phones=["6970000003"])
    rows = [
        ["id", "last_name", "email", "phone"],
        ["R-1", "Α2", "b@example.gr", ""],  # ref wins over an email of someone else
        ["", "Β2", "b@example.gr", "6970000003"],
        ["", "Γ2", "", "6970000003"],
        ["R-9", "Δ", "shared@example.gr", ""],
    ]  # R-1's email but another reference: someone else
    result = run(csv_bytes(rows), overwrite=True)
    assert (result.created, result.updated) == (1, 3)
    assert Customer.objects.get(pk=by_ref.pk).last_name == "Α2"
    assert Customer.objects.get(pk=by_email.pk).last_name == "Β2"
    assert Customer.objects.get(pk=by_phone.pk).last_name == "Γ2"
    assert Customer.objects.get(external_ref="R-9").last_name == "Δ"


def test_two_rows_for_one_customer_the_later_updates_the_earlier(db: None) -> None:
    rows = [
        ["first_name", "last_name", "email", "phone", "notes"],
        ["Άννα", "Παπά", "anna@example.gr", "", "πρώτη"],
        ["Άννα", "Παπαδάκη", "ANNA@example.gr", "6971234567", ""],
    ]
    result = run(csv_bytes(rows))
    assert (result.created, result.updated) == (1, 0)  # one new customer, from two rows
    anna = Customer.objects.get()
    assert (anna.last_name, anna.notes, anna.display_name) == ("Παπαδάκη", "πρώτη", "Άννα Παπαδάκη")
    assert anna.contact_points.count() == 2
    assert SearchTerm.objects.filter(customer=anna, term="w:παπαδακη").exists()
    assert not SearchTerm.objects.filter(customer=anna, term="w:παπα").exists()


def test_renaming_a_company_reindexes_its_people(db: None, make_customer: Any) -> None:
    company = make_customer(kind="company", company_name="Αιγαίο ΑΕ", external_ref="B-1")
    person = make_customer(first_name="Άννα", company_id=company.pk)
    result = run(csv_bytes([["id", "company"], ["B-1", "Κυκλάδες ΑΕ"]]), overwrite=True)
    assert (result.created, result.updated) == (0, 1)
    terms = set(SearchTerm.objects.filter(customer=person).values_list("term", flat=True))
    assert "w:κυκλαδεσ" in terms
    assert "w:αιγαιο" not in terms


def test_an_update_that_breaks_the_stored_profile_is_reported(db: None, make_customer: Any) -> None:
    make_customer(first_name="Άννα", emails=["anna@example.gr"])
    result = run(csv_bytes([["last_name", "email", "kind"], ["", "anna@example.gr", "εταιρεία"]]))
    assert result.written is False
    assert [(e.row, e.column) for e in result.errors] == [(2, "kind")]


# ---------------------------------------------------------------- bulk loading


def _index_sql() -> set[str]:
    from django.db import connection

    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {sql for (sql,) in cursor.fetchall()}


def test_a_large_first_load_leaves_every_index_as_it_was(db: None) -> None:
    before = _index_sql()
    rows = [["last_name", "email"]] + [[f"Πελάτης {i}", f"p{i}@example.gr"] for i in range(1200)]
    assert run(csv_bytes(rows)).created == 1200
    assert _index_sql() == before
    assert Customer.objects.filter(contact_points__value="p7@example.gr").get().last_name == "Πελάτης 7"


def test_a_failure_while_writing_rolls_everything_back(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before_indexes, before = _index_sql(), counts()

    def boom(data: CustomerInput) -> set[str]:
        raise RuntimeError("disk full")

    monkeypatch.setattr("pelatis.customers.importing.customers_write._terms_of", boom)
    rows = [["last_name"]] + [[f"Πελάτης {i}"] for i in range(1200)]
    with pytest.raises(RuntimeError, match="disk full"):
        run(csv_bytes(rows))
    assert counts() == before
    assert _index_sql() == before_indexes
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_an_email_too_long_for_its_column_is_a_row_error(db: None) -> None:
    result = run(csv_bytes([["last_name", "email"], ["Müller", f"{'a' * 250}@example.de"]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]
