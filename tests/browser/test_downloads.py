"""A Greek office downloads its customers from the customer list, in a real Chromium: CSV that a Greek
Excel splits into columns, XLSX with Greek headers and real dates, and the machine CSV for other programs."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from pelatis.customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page: Any, selector: str, folder: Path) -> tuple[str, bytes]:
    """Click ``selector``, wait for the download it starts, and return its suggested name and bytes."""
    with page.expect_download() as info:
        page.click(selector)
    done = info.value
    assert done.failure() is None
    target = folder / done.suggested_filename
    done.save_as(target)
    return done.suggested_filename, target.read_bytes()


def test_customer_list_downloads_csv_and_xlsx_in_greek(
    live_server: Any,
    page_for: Any,
    log_in: Any,
    artifacts: Path,
    manager: Any,
    papadopoulos: Customer,
    make_customer: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.LANGUAGE_CODE = "el"  # the business's language: the UI speaks it until a user switches
    make_customer(
        kind="company",
        company_name="Ξενοδοχεία Κυκλάδων ΙΚΕ",
        emails=["info@kyklades.gr"],
        preferred_channel="phone",
        birthday=None,
    )
    make_customer(
        first_name="Ελένη", last_name="Νικολάου", birthday=dt.date(1985, 11, 3), emails=["eleni@example.gr"]
    )
    page = page_for("el-GR")
    log_in(page, live_server.url, "manager")
    page.screenshot(path=str(artifacts / "customers-export-menu.png"))

    # when: the CSV button, with the select left at «Για Excel, στα ελληνικά»
    name, data = download(page, "#export [data-export=csv]", tmp_path)

    # then: a Greek file name, a BOM, ';' between fields, Greek headers, labels and day-first dates
    assert name.startswith("πελάτες-")
    assert name.endswith(".csv")
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    assert list(rows[0])[:6] == ["Κωδικός πελάτη", "Είδος", "Κατηγορία", "Προσφώνηση", "Όνομα", "Επώνυμο"]
    by_name = {r["Επώνυμο"] or r["Εταιρεία"]: r for r in rows}
    assert by_name["Παπαδόπουλος"]["Τηλέφωνα"] == "697 123 4567"
    assert by_name["Παπαδόπουλος"]["Γλώσσα"] == "Ελληνικά"
    assert by_name["Νικολάου"]["Ημερομηνία γέννησης"] == "03/11/1985"
    company = by_name["Ξενοδοχεία Κυκλάδων ΙΚΕ"]
    assert (company["Είδος"], company["Προτιμώμενο κανάλι"]) == ("Εταιρεία", "Τηλέφωνο")

    # when: the Excel button
    name, data = download(page, "#export [data-export=xlsx]", tmp_path)

    # then: a workbook with Greek headers, text as text and birthdays as dates
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    head = [c.value for c in sheet[1]]
    assert head[:6] == ["Κωδικός πελάτη", "Είδος", "Κατηγορία", "Προσφώνηση", "Όνομα", "Επώνυμο"]
    eleni = next(r for r in sheet.iter_rows(min_row=2) if r[head.index("Επώνυμο")].value == "Νικολάου")
    birthday = cast(Cell, eleni[head.index("Ημερομηνία γέννησης")])  # a written cell, never a merged one
    assert birthday.is_date
    assert isinstance(birthday.value, dt.datetime)
    assert birthday.value.date() == dt.date(1985, 11, 3)
    assert birthday.number_format == "dd/mm/yyyy"

    # when: «Για άλλα προγράμματα» chosen, then CSV
    page.select_option("#export-format", "machine")
    _name, data = download(page, "#export [data-export=csv]", tmp_path)

    # then: the importer's keys, ',' and ISO dates
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert list(rows[0])[:3] == ["external_ref", "kind", "category"]
    assert {r["last_name"]: r["birthday"] for r in rows}["Νικολάου"] == "1985-11-03"
