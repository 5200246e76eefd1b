"""The table module every download goes through: CSV for people in their locale or for programs, XLSX typed."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pelatis.core import tabular
from pelatis.core.tabular import Column, layout_for

COLUMNS = [
    Column("name", "Name"),
    Column("channel", "Channel", choices={"phone": "Phone call", "email": "Email"}),
    Column("orders", "Orders", kind="int"),
    Column("revenue", "Revenue", kind="money"),
    Column("rate", "Rate", kind="decimal", decimals=1),
    Column("share", "Share", kind="decimal"),
    Column("first", "First order", kind="date"),
    Column("month", "Month", kind="month"),
    Column("seen", "Last seen", kind="datetime"),
    Column("vip", "VIP", kind="bool"),
]
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
ROW = [
    "Γιώργος",
    "phone",
    1234,
    Decimal("2668.4"),
    87.25,
    0.125,
    dt.date(2025, 12, 6),
    "2025-12",
    dt.datetime(2025, 12, 6, 12, 30, tzinfo=dt.UTC),
    True,
]


def naive(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time as XLSX keeps it (no zone)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ATHENS).replace(tzinfo=None)


def active_sheet(data: bytes) -> Worksheet:
    """The sheet an XLSX download opens on."""
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def write(layout: tabular.Layout, rows: list[list[Any]] | None = None, fmt: str = "csv") -> bytes:
    out = io.BytesIO()
    writer = tabular.write_csv if fmt == "csv" else tabular.write_xlsx
    writer(out, COLUMNS, rows if rows is not None else [ROW], layout)
    return out.getvalue()


def test_greek_layout_has_semicolons_decimal_comma_and_day_first_dates(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Athens"
    layout = layout_for("el")
    assert (layout.delimiter, layout.decimal, layout.date_format, layout.month_format) == (
        ";",
        ",",
        "%d/%m/%Y",
        "%m/%Y",
    )
    head, row = read_csv(write(layout), ";")
    assert head == [
        "Name",
        "Channel",
        "Orders",
        "Revenue",
        "Rate",
        "Share",
        "First order",
        "Month",
        "Last seen",
        "VIP",
    ]
    assert row == [
        "Γιώργος",
        "Phone call",
        "1234",
        "2668,40",
        "87,3",
        "0,125",
        "06/12/2025",
        "12/2025",
        "06/12/2025 14:30:00",
        "ναι",
    ]


def test_english_layout_has_commas_points_and_iso_dates() -> None:
    layout = layout_for("en")
    assert (layout.delimiter, layout.decimal) == (",", ".")
    _head, row = read_csv(write(layout), ",")
    assert row[1:8] == ["Phone call", "1234", "2668.40", "87.3", "0.125", "2025-12-06", "2025-12"]
    assert row[9] == "yes"


def test_machine_layout_has_keys_raw_values_and_iso_dates(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Athens"
    head, row = read_csv(write(layout_for("el", machine=True)), ",")
    assert head == [c.key for c in COLUMNS]
    assert row == [
        "Γιώργος",
        "phone",
        "1234",
        "2668.40",
        "87.3",
        "0.125",
        "2025-12-06",
        "2025-12",
        "2025-12-06T14:30:00+02:00",
        "yes",
    ]


def test_request_chooses_the_machine_format(rf: Any) -> None:
    assert tabular.layout_from_request(rf.get("/x", {"format": "machine"})).machine
    assert not tabular.layout_from_request(rf.get("/x")).machine


def test_formula_cells_are_defused_in_csv_and_kept_as_text_in_xlsx() -> None:
    evil = ['=HYPERLINK("x")', "+cmd", None, "-", "", "", None, None, None, None]
    _head, row = read_csv(write(layout_for("el"), [evil]), ";")
    assert row[:2] == ['\'=HYPERLINK("x")', "'+cmd"]
    assert row[3] == "'-"  # not a number: written as text, defused
    sheet = active_sheet(write(layout_for("el"), [evil], "xlsx"))
    assert sheet["A2"].value == '=HYPERLINK("x")'
    assert sheet["A2"].data_type == "s"


def test_xlsx_cells_are_typed_with_number_formats(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Athens"
    sheet = active_sheet(write(layout_for("el"), fmt="xlsx"))
    assert [c.value for c in sheet[1]] == [c.label for c in COLUMNS]
    assert sheet.freeze_panes == "A2"
    row = {c.key: cell for c, cell in zip(COLUMNS, sheet[2], strict=True)}
    assert row["name"].value == "Γιώργος"
    assert row["channel"].value == "Phone call"
    assert (row["orders"].value, row["orders"].number_format) == (1234, "#,##0")
    assert (row["revenue"].value, row["revenue"].number_format) == (2668.4, "#,##0.00")
    assert row["rate"].value == 87.25
    assert row["rate"].number_format == "#,##0.0"
    assert row["first"].value == naive(2025, 12, 6)
    assert row["first"].number_format == "dd/mm/yyyy"
    assert row["month"].value == naive(2025, 12, 1)
    assert row["month"].number_format == "mm/yyyy"
    assert row["seen"].value == naive(2025, 12, 6, 14, 30)  # the business's time
    assert row["seen"].is_date
    assert row["vip"].value is True


def test_machine_xlsx_has_keys_codes_and_iso_date_formats() -> None:
    sheet = active_sheet(write(layout_for(machine=True), fmt="xlsx"))
    assert [c.value for c in sheet[1]] == [c.key for c in COLUMNS]
    assert sheet["B2"].value == "phone"
    assert sheet["G2"].number_format == "yyyy-mm-dd"


def test_csv_streams_in_chunks_and_counts_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "CHUNK_ROWS", 2)
    pieces = list(tabular.csv_chunks(COLUMNS, [ROW] * 5, layout_for("en")))
    assert len(pieces) == 1 + 3  # the header, then 2 + 2 + 1 rows
    assert sum(p.count(b"\r\n") for p in pieces) == 6
    assert tabular.write_csv(io.BytesIO(), COLUMNS, [ROW] * 5, layout_for("en")) == 5


def test_a_streamed_csv_keeps_the_readers_language_after_the_view_returned() -> None:
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    columns = [Column("channel", gettext_lazy("Phone"))]
    with translation.override("el"):
        layout = layout_for()
    chunks = tabular.csv_chunks(columns, [["x"]], layout)
    with translation.override("en"):  # the response is sent after the view's language is gone
        head = next(chunks)
    assert head.decode("utf-8-sig").strip() == "Τηλέφωνο"


def test_sheet_titles_are_ones_excel_accepts() -> None:
    assert tabular.sheet_title("CSAT / NPS: by month [2025]") == "CSAT   NPS  by month  2025"
    assert len(tabular.sheet_title("x" * 40)) == 31


def test_attachment_names_have_an_ascii_fallback() -> None:
    assert tabular.attachment("πελάτες.csv", "customers.csv") == (
        "attachment; filename=\"customers.csv\"; filename*=UTF-8''%CF%80%CE%B5%CE%BB%CE%AC%CF%84%CE%B5%CF%82.csv"
    )
