"""Import files are read in any common encoding and delimiter or as XLSX, their Greek or English headers
mapped, their Greek or English numbers and dates parsed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pelatis.customers.importing import (
    CUSTOMER_COLUMNS,
    decode_bytes,
    map_headers,
    parse_date,
    parse_decimal,
    sniff_delimiter,
)
from pelatis.customers.models import (
    Customer,
    ImportJob,
)
from pelatis.customers.tests.import_files import GREEK_ROWS, csv_bytes, run


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
    assert isinstance(sheet, Worksheet)
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
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Επώνυμο"])
    sheet.append(["Ρήγας"])
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
