"""Order import: lines grouped by reference, customers found by reference, email or phone, re-import."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pelatis.customers.models import (
    Customer,
    Interaction,
    Order,
    SearchTerm,
)
from pelatis.customers.tests.import_files import csv_bytes, run

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
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Order", "Customer ID", "Email", "Date", "Product", "Qty", "Price"])
    placed = dt.datetime(2026, 7, 1, 9, 15)  # noqa: DTZ001 - Excel cells carry no time zone
    sheet.append(["X-1", None, "g.papadopoulos@example.gr", placed, "Σουίτα", 2, 160.5])
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


def test_an_imported_order_reads_on_the_timeline_in_the_business_language(
    db: None, papadopoulos: Customer, settings: Any
) -> None:
    # given: a Greek business, and an import started by someone reading the English UI
    settings.LANGUAGE_CODE = "el"
    rows = [
        ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
        ["B-7", "g.papadopoulos@example.gr", "2026-03-01 10:00", "Σουίτα", "1", "160"],
    ]
    with translation.override("en"):
        run(csv_bytes(rows), kind="orders")
    # then: the timeline says it as order_create() would, for every colleague
    summary = Interaction.objects.get(source_type="customers.order").summary
    assert summary == "Παραγγελία B-7: 160,00\xa0€"
