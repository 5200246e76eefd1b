"""Customer and order import: encodings, delimiters, headers, validation, re-import, orders."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from pelatis.customers.importing import (
    CUSTOMER_COLUMNS,
    RowError,
    decode_bytes,
    import_file,
    map_headers,
    parse_date,
    parse_decimal,
    sniff_delimiter,
)
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import (
    Address,
    ContactPoint,
    Customer,
    ImportJob,
    Interaction,
    Order,
    OrderLine,
    SearchTerm,
    Tag,
)
from pelatis.customers.services import customer_create, search_reindex

GREEK_ROWS = [
    ["Όνομα", "Επώνυμο", "Email", "Τηλέφωνο", "ΑΦΜ", "Ετικέτες", "Ημερομηνία γέννησης", "Σημειώσεις"],
    [
        "Άννα",
        "Παπαδοπούλου",
        "anna@example.gr",
        "697 123 4567",
        "094259216",
        "VIP, Τακτικός",
        "14/03/1978",
        "Προτιμά όροφο με θέα",
    ],
    ["Γιώργος", "Αλεξίου-Ψαρά", "g.alexiou@example.gr", "210 123 4567", "", "Τακτικός", "1980-12-01", ""],
    ["Ευτυχία", "Ζαφειρίου", "", "+49 151 23456789", "", "", "05.06.1990", "Ώρα: πρωί· «ναι»"],
]


def csv_bytes(
    rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",", bom: bool = False
) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def run(data: bytes, name: str = "pelates.csv", **kwargs: Any) -> Any:
    kwargs.setdefault("kind", "customers")
    return import_file(source=io.BytesIO(data), file_name=name, **kwargs)


def counts() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        ContactPoint.objects.count(),
        SearchTerm.objects.count(),
        Interaction.objects.count(),
        Address.objects.count(),
        Order.objects.count(),
        OrderLine.objects.count(),
    )


def assert_greek_rows_imported() -> None:
    anna = Customer.objects.get(last_name="Παπαδοπούλου")
    assert anna.first_name == "Άννα"
    assert anna.display_name == "Άννα Παπαδοπούλου"
    assert anna.birthday == dt.date(1978, 3, 14)
    assert anna.vat_number == "094259216"
    assert anna.notes == "Προτιμά όροφο με θέα"
    assert sorted(anna.tags.values_list("name", flat=True)) == ["VIP", "Τακτικός"]
    assert list(anna.contact_points.values_list("kind", "value", "is_primary")) == [
        ("email", "anna@example.gr", True),
        ("phone", "+306971234567", True),
    ]
    giorgos = Customer.objects.get(first_name="Γιώργος")
    assert giorgos.last_name == "Αλεξίου-Ψαρά"
    assert giorgos.birthday == dt.date(1980, 12, 1)
    eftychia = Customer.objects.get(first_name="Ευτυχία")
    assert eftychia.birthday == dt.date(1990, 6, 5)
    assert eftychia.notes == "Ώρα: πρωί· «ναι»"
    assert eftychia.contact_points.get().value == "+4915123456789"


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ";", True),
        ("utf-8", ",", False),
        ("utf-8", "\t", True),
        ("cp1253", ";", False),
        ("cp1253", "\t", False),
        ("iso8859_7", ";", False),
        ("iso8859_7", "\t", False),
        ("utf-16", ";", False),
        ("utf-8", "|", False),
    ],
)
def test_greek_csv_in_every_encoding_and_delimiter_comes_out_byte_correct(
    db: None, encoding: str, delimiter: str, bom: bool
) -> None:
    # given
    data = csv_bytes(GREEK_ROWS, encoding=encoding, delimiter=delimiter, bom=bom)
    # when
    result = run(data)
    # then
    assert result.errors == []
    assert (result.total, result.created, result.updated, result.invalid, result.written) == (
        3,
        3,
        0,
        0,
        True,
    )
    assert_greek_rows_imported()


@pytest.mark.parametrize(
    ("encoding", "expected"), [("cp1253", "cp1253"), ("iso8859_7", "iso8859_7"), ("cp1252", "cp1252")]
)
def test_single_byte_encodings_are_told_apart(encoding: str, expected: str) -> None:
    text = (
        "Όνομα;Επώνυμο\nΆννα;Άγγελου\nΆρης;Ξανθόπουλος\n"
        if encoding != "cp1252"
        else "Vorname;Nachname\nJürgen;Müller\nFrançoise;Lefèvre\n"
    )
    decoded, found = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert found == expected


def test_sniffer_falls_back_to_the_header_line() -> None:
    assert sniff_delimiter("first_name;last_name\nΆννα;Μ\n") == ";"
    assert sniff_delimiter("name\n") == ","
    assert sniff_delimiter("a|b|c\n1|2|3\n") == "|"
    assert sniff_delimiter('first_name,notes\nΆννα,"a; b; c"\nΜαρία,"d; e"\n') == ","


def test_xlsx_with_english_headers_numbers_and_dates(db: None) -> None:
    # given
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["First Name", "Surname", "E-mail", "Mobile", "Phone 2", "Date of birth", "Customer ID", "Type"]
    )
    born = dt.datetime(1975, 1, 31)  # noqa: DTZ001 - Excel cells carry no time zone
    sheet.append(
        ["Κώστας", "Οικονόμου", "K.Oikonomou@Example.com", 6944000111, 2101234567.0, born, 1001, "Πρόσωπο"]
    )
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append(["", "", "info@aigaio.gr", "", "", "", "C-2", "Εταιρεία"])
    sheet["A5"] = None
    buffer = io.BytesIO()
    book.save(buffer)
    # when (a company row without a company column is invalid: reported on row 4)
    result = run(buffer.getvalue(), name="export.XLSX")
    # then
    assert result.written is False
    assert [(e.row, e.column) for e in result.errors] == [(4, "Type")]
    # when the company row is dropped
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue(), name="export.xlsx")
    assert result.errors == []
    kostas = Customer.objects.get()
    assert kostas.external_ref == "1001"
    assert kostas.birthday == dt.date(1975, 1, 31)
    assert sorted(kostas.contact_points.values_list("value", flat=True)) == [
        "+302101234567",
        "+306944000111",
        "k.oikonomou@example.com",
    ]


def test_xlsx_is_recognised_by_its_zip_magic_whatever_the_name(db: None) -> None:
    book = Workbook()
    book.active.append(["Επώνυμο"])
    book.active.append(["Ρήγας"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run(buffer.getvalue(), name="upload.bin").created == 1


def test_old_xls_and_empty_files_are_refused_clearly(db: None) -> None:
    assert "xlsx" in run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="old.xls").errors[0].message
    empty = run(b"", name="empty.csv")
    assert empty.written is False
    assert empty.errors[0].row == 1
    header_only = run(b"first_name,last_name\n")
    assert header_only.written is False
    assert ImportJob.objects.filter(status=ImportJob.Status.REJECTED).count() == 3


# ---------------------------------------------------------------- headers


def test_headers_map_in_greek_and_english_ignoring_case_accents_and_punctuation() -> None:
    headers = [
        "ΟΝΟΜΑ",
        "Επίθετο",
        "e-mail",
        "Ηλεκτρονικό Ταχυδρομείο",
        "Κινητό",
        "Τηλέφωνο 2",
        "Κωδικός πελάτη",
        "Τ.Κ.",
        "Α.Φ.Μ.",
        "Εταιρεία",
        "Προσφώνηση",
        "Πόλη",
        "Διεύθυνση",
        "Χώρα",
        "Γλώσσα",
        "Χόμπι",
        "surname",
    ]
    cols = map_headers(headers, CUSTOMER_COLUMNS)
    assert cols.positions == {
        "first_name": [0],
        "last_name": [1],
        "email": [2, 3],
        "phone": [4, 5],
        "external_ref": [6],
        "postcode": [7],
        "vat": [8],
        "company": [9],
        "title": [10],
        "city": [11],
        "address": [12],
        "country": [13],
        "language": [14],
    }
    assert [(w.row, w.column) for w in cols.warnings] == [(1, "Χόμπι"), (1, "surname")]


def test_unknown_columns_are_one_warning_each_not_errors(db: None) -> None:
    result = run(csv_bytes([["Επώνυμο", "Χόμπι"], ["Ρήγας", "ψάρεμα"], ["Βελής", "σκάκι"]]))
    assert result.errors == []
    assert result.created == 2
    assert [(w.row, w.column) for w in result.warnings] == [(1, "Χόμπι")]
    assert ImportJob.objects.get().errors == [
        {"row": 1, "column": "Χόμπι", "message": "Unknown column, ignored.", "level": "warning"}
    ]


def test_a_file_without_a_name_column_is_rejected(db: None) -> None:
    result = run(csv_bytes([["email", "phone"], ["a@example.gr", "6971234567"]]))
    assert result.written is False
    assert "name" in result.errors[0].message
    assert Customer.objects.count() == 0


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


# ---------------------------------------------------------------- orders

ORDER_HEADER = [
    "Αριθμός παραγγελίας",
    "Κωδικός πελάτη",
    "Email",
    "Τηλέφωνο",
    "Ημερομηνία",
    "Κωδικός προϊόντος",
    "Προϊόν",
    "Κατηγορία",
    "Ποσότητα",
    "Τιμή μονάδας",
    "Νόμισμα",
    "Κατάσταση",
]


def test_orders_group_lines_by_reference_with_greek_decimals(
    db: None, papadopoulos: Customer, make_customer: Any
) -> None:
    # given
    eleni = make_customer(first_name="Ελένη", last_name="Κωνσταντίνου", external_ref="C-7")
    rows = [
        ORDER_HEADER,
        [
            "ORD-1",
            "",
            "g.papadopoulos@example.gr",
            "",
            "12/04/2026 18:30",
            "OIL-1L",
            "Ελαιόλαδο 1 λτ",
            "Παντοπωλείο",
            "2",
            "12,50",
            "EUR",
            "πληρωμένη",
        ],
        ["ORD-2", "C-7", "", "", "2026-04-13", "ROOM", "Δίκλινο", "Διαμονή", "3", "1.234,50", "", "paid"],
        [
            "ORD-1",
            "",
            "",
            "6971234567",
            "12/04/2026 18:30",
            "HONEY",
            "Μέλι",
            "Παντοπωλείο",
            "1",
            "9.80",
            "",
            "",
        ],
    ]
    # when
    result = run(csv_bytes(rows, delimiter=";"), name="orders.csv", kind="orders")
    # then
    assert result.errors == []
    assert (result.total, result.created, result.updated) == (3, 2, 0)
    first = Order.objects.get(reference="ORD-1")
    athens = zoneinfo.ZoneInfo("Europe/Athens")
    assert first.customer == papadopoulos
    assert first.placed_at == dt.datetime(2026, 4, 12, 18, 30, tzinfo=athens)
    assert first.total == Decimal("34.80")
    assert list(first.lines.values_list("name", "quantity", "unit_price")) == [
        ("Ελαιόλαδο 1 λτ", Decimal("2"), Decimal("12.50")),
        ("Μέλι", Decimal("1"), Decimal("9.80")),
    ]
    second = Order.objects.get(reference="ORD-2")
    assert (second.customer, second.total) == (eleni, Decimal("3703.50"))
    assert second.placed_at == dt.datetime(2026, 4, 13, tzinfo=athens)
    event = Interaction.objects.get(source_type="customers.order", source_id=str(first.pk))
    assert event.summary == "Order ORD-1: €34.80"  # money with its currency, as the business writes it
    assert SearchTerm.objects.filter(customer=papadopoulos, term="o:ord-1").exists()


def test_unknown_customer_is_a_row_error_naming_the_column(db: None, papadopoulos: Customer) -> None:
    rows = [
        ["order", "phone", "date", "product", "price"],
        ["A-1", "6971234567", "2026-01-02", "Μέλι", "9,80"],
        ["A-2", "6999999999", "2026-01-02", "Μέλι", "9,80"],
        ["A-3", "6971234567", "χθες", "Μέλι", "δέκα"],
    ]
    result = run(csv_bytes(rows), kind="orders")
    assert result.written is False
    assert [(e.row, e.column) for e in result.errors] == [(4, "date"), (4, "price"), (3, "phone")]
    assert "+306999999999" in result.errors[-1].message
    assert Order.objects.count() == 0


def test_orders_reimport_replaces_instead_of_duplicating(db: None, papadopoulos: Customer) -> None:
    rows = [
        ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
        ["B-1", "g.papadopoulos@example.gr", "2026-03-01 10:00", "Σουίτα", "2", "160"],
        ["B-1", "g.papadopoulos@example.gr", "2026-03-01 10:00", "Σπα", "1", "70"],
    ]
    run(csv_bytes(rows), kind="orders")
    rows[2][5] = "75,5"
    kept = run(csv_bytes(rows), kind="orders")  # an order that exists is kept unless the import overwrites
    assert (kept.created, kept.updated, kept.unchanged) == (0, 0, 1)
    assert Order.objects.get().total == Decimal("390.00")
    result = run(csv_bytes(rows), kind="orders", overwrite=True)
    assert (result.created, result.updated) == (0, 1)
    order = Order.objects.get()
    assert order.total == Decimal("395.50")
    assert order.lines.count() == 2
    assert Interaction.objects.get(source_type="customers.order").summary == "Order B-1: €395.50"
    assert SearchTerm.objects.filter(customer=papadopoulos, term="o:b-1").count() == 1


def test_a_bad_line_skips_its_whole_order_with_skip_invalid(db: None, papadopoulos: Customer) -> None:
    rows = [
        ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
        ["B-1", "g.papadopoulos@example.gr", "2026-03-01", "Σουίτα", "2", "160"],
        ["B-1", "g.papadopoulos@example.gr", "2026-03-01", "Σπα", "0", "70"],
        ["B-2", "g.papadopoulos@example.gr", "2026-03-01", "Σπα", "1", "70"],
    ]
    result = run(csv_bytes(rows), kind="orders", skip_invalid=True)
    assert result.written is True
    assert [(e.row, e.column) for e in result.errors] == [(3, "quantity"), (2, "reference")]
    assert list(Order.objects.values_list("reference", flat=True)) == ["B-2"]


def test_orders_from_xlsx_with_excel_dates_and_numbers(db: None, papadopoulos: Customer) -> None:
    book = Workbook()
    book.active.append(["Order", "Customer ID", "Email", "Date", "Product", "Qty", "Price"])
    placed = dt.datetime(2026, 7, 1, 9, 15)  # noqa: DTZ001 - Excel cells carry no time zone
    book.active.append(["X-1", None, "g.papadopoulos@example.gr", placed, "Σουίτα", 2, 160.5])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue(), name="orders.xlsx", kind="orders")
    assert result.errors == []
    order = Order.objects.get()
    assert order.placed_at == dt.datetime(2026, 7, 1, 9, 15, tzinfo=zoneinfo.ZoneInfo("Europe/Athens"))
    assert order.total == Decimal("321.00")


def test_orders_need_their_columns(db: None) -> None:
    result = run(
        csv_bytes([["reference", "product", "price", "date"], ["A", "B", "1", "2026-01-01"]]), kind="orders"
    )
    assert result.written is False
    assert "customer" in result.errors[0].message


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,50", "12.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12.5", "12.5"),
        ("€ 3,00", "3.00"),
        ("1.234.567", "1234567"),
        ("7", "7"),
        ("-1,5", "-1.5"),
    ],
)
def test_decimals_greek_and_english(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "NaN"])
def test_bad_decimals(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the exception carries no more to match
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1978-03-14", dt.date(1978, 3, 14)),
        ("14/03/1978", dt.date(1978, 3, 14)),
        ("4.3.1978", dt.date(1978, 3, 4)),
        ("14-03-1978", dt.date(1978, 3, 14)),
        ("1978-03-14 00:00:00", dt.date(1978, 3, 14)),
    ],
)
def test_dates_are_day_first(text: str, value: dt.date) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize("text", ["03/14/1978x", "31/02/1980", "1978", "χθες"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_date(text)


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
