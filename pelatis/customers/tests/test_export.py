"""Customer export: CSV with a BOM and XLSX, headers the importer reads, and a byte-exact round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from pelatis.customers.exporting import COLUMNS, export_customers
from pelatis.customers.importing import import_file
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer, Tag
from pelatis.customers.services import address_add, customer_create, customer_merge
from pelatis.customers.tests.snapshots import customer_snapshot


@pytest.fixture
def book(db: None) -> list[Customer]:
    """Customers whose data is hard to carry: Greek capitals with accents, dialytika, quotes,
    line breaks, formula-looking text, several phones, a company."""
    anna = customer_create(
        data=CustomerInput(
            first_name="Άννα-Μαρία",
            last_name="Ζαΐμη",
            title="κα",
            emails=["anna@example.gr"],
            phones=["697 123 4567", "2101234567"],
            vat_number="094259216",
            tags=["VIP", "Τακτικός"],
            birthday=dt.date(1978, 3, 14),
            external_ref="C-1",
            notes='Ώρα: πρωί.\nΓράφει «ναι»; "ok", ΆΈΉΊΌΎΏ ϊϋΐΰ',
        )
    )
    address_add(customer=anna, line1="Ερμού 10", city="Αθήνα", postcode="105 63")
    customer_create(
        data=CustomerInput(
            kind="company",
            company_name="Ξενοδοχεία Κυκλάδων ΙΚΕ",
            emails=["info@kyklades.gr"],
            tags=["B2B"],
            language="el",
            preferred_channel="phone",
        )
    )
    customer_create(
        data=CustomerInput(
            first_name="Jürgen",
            last_name="Müller",
            title="Herr",
            language="de",
            time_zone="Europe/Berlin",
            formal=False,
            phones=["+49 151 23456789"],
            job_title="Einkauf",
            category="internal",
        )
    )
    customer_create(
        data=CustomerInput(
            first_name='=HYPERLINK("x")',
            last_name="-Test",
            notes="+cmd|' /C calc'!A0",
            emails=["formula@example.com"],
        )
    )
    return list(Customer.objects.order_by("pk"))


def export(**kwargs: Any) -> bytes:
    dest = io.BytesIO()
    export_customers(dest=dest, **kwargs)
    return dest.getvalue()


def test_csv_has_a_bom_the_import_headers_and_greek_utf8(book: list[Customer]) -> None:
    data = export()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(book)
    anna = dict(zip(COLUMNS, rows[1], strict=True))
    assert anna["first_name"] == "Άννα-Μαρία"
    assert "Άννα-Μαρία".encode() in data
    assert anna["email"] == "anna@example.gr"
    assert anna["phone"] == "+306971234567 | +302101234567"
    assert anna["tags"] == "VIP, Τακτικός"
    assert anna["birthday"] == "1978-03-14"
    assert (anna["address"], anna["city"], anna["postcode"], anna["country"]) == (
        "Ερμού 10",
        "Αθήνα",
        "105 63",
        "GR",
    )


def test_no_bom_on_request(book: list[Customer]) -> None:
    data = export(bom=False)
    assert data.startswith(b"external_ref,")


def test_formula_looking_cells_are_quoted_for_excel(book: list[Customer]) -> None:
    rows = list(csv.reader(io.StringIO(export(bom=False).decode("utf-8"), newline="")))
    last = dict(zip(COLUMNS, rows[-1], strict=True))
    assert last["first_name"] == '\'=HYPERLINK("x")'
    assert last["last_name"] == "'-Test"
    assert last["notes"] == "'+cmd|' /C calc'!A0"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_back_identical_data(book: list[Customer], fmt: str) -> None:
    # given
    before = customer_snapshot()
    data = export(fmt=fmt)
    Customer.objects.all().delete()
    Tag.objects.all().delete()
    # when
    result = import_file(source=io.BytesIO(data), file_name=f"customers.{fmt}", kind="customers")
    # then
    assert result.errors == []
    assert result.warnings == []
    assert (result.created, result.updated) == (len(book), 0)
    assert customer_snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_export_changes_nothing(book: list[Customer], fmt: str) -> None:
    before = customer_snapshot()
    result = import_file(source=io.BytesIO(export(fmt=fmt)), file_name=f"customers.{fmt}", kind="customers")
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, len(book), [])
    assert customer_snapshot() == before


def test_xlsx_keeps_text_as_text(book: list[Customer]) -> None:
    sheet = load_workbook(io.BytesIO(export(fmt="xlsx")), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][COLUMNS.index("first_name")] == "Άννα-Μαρία"
    assert rows[-1][COLUMNS.index("first_name")] == '=HYPERLINK("x")'  # a string, not a formula


def test_selected_ids_and_no_merged_customers(book: list[Customer]) -> None:
    customer_merge(survivor=book[0], merged=book[3])
    data = export(bom=False).decode()
    assert "formula@example.com" not in data.split("\r\n", 1)[1].split("Ζαΐμη")[0]
    assert len(list(csv.reader(io.StringIO(data)))) == 1 + 3
    assert export_customers(dest=io.BytesIO(), customer_ids=[book[1].pk, book[2].pk]) == 2


def test_export_reads_in_chunks_with_few_queries(
    book: list[Customer], django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        customer_create(
            data=CustomerInput(last_name=f"Πελάτης {i}", emails=[f"p{i}@example.gr"], tags=["Νέος"])
        )
    with django_assert_max_num_queries(5):
        assert export_customers(dest=io.BytesIO()) == 44


def test_chosen_ids_keep_their_order_across_chunks(
    book: list[Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pelatis.customers.exporting.CHUNK", 2)
    ids = [book[2].pk, book[0].pk, 999_999, book[1].pk, book[0].pk]
    rows = list(csv.reader(io.StringIO(export(bom=False, customer_ids=ids).decode(), newline="")))
    assert [r[COLUMNS.index("last_name")] for r in rows[1:]] == ["Müller", "Ζαΐμη", ""]
    assert rows[3][COLUMNS.index("company")] == "Ξενοδοχεία Κυκλάδων ΙΚΕ"
