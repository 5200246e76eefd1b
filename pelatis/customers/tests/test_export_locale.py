"""Customer exports a Greek office can open, and that import back as they are.

For people (the default, in the reader's language): Greek is ``;``-separated with dd/mm/yyyy dates,
Greek headers and Greek labels for coded values; for programs (``?format=machine``, ``--machine``):
``,``, ISO dates and the importer's English keys. Both in CSV (UTF-8 with a BOM) and XLSX (typed cells),
and each form, re-imported, gives back the same customers.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, Literal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from pelatis.core.tabular import Layout, layout_for
from pelatis.customers import locale_values
from pelatis.customers.exporting import COLUMNS, export_customers
from pelatis.customers.importing import import_file
from pelatis.customers.importing.column_aliases import CUSTOMER_COLUMNS
from pelatis.customers.importing.columns import map_headers
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer, Tag
from pelatis.customers.services import address_add, customer_create
from pelatis.customers.tests.snapshots import customer_snapshot

GREEK_HEADERS = [
    "Κωδικός πελάτη",
    "Είδος",
    "Κατηγορία",
    "Προσφώνηση",
    "Όνομα",
    "Επώνυμο",
    "Εταιρεία",
    "Θέση",
    "Email",
    "Τηλέφωνα",
    "ΑΦΜ",
    "Γλώσσα",
    "Ζώνη ώρας",
    "Προτιμώμενο κανάλι",
    "Πληθυντικός ευγενείας",
    "Ημερομηνία γέννησης",
    "Ετικέτες",
    "Σημειώσεις",
    "Διεύθυνση",
    "Πόλη",
    "Τ.Κ.",
    "Χώρα",
]
LAYOUTS = {
    "el": lambda: layout_for("el"),
    "en": lambda: layout_for("en"),
    "machine": lambda: layout_for(machine=True),
}


@pytest.fixture
def book(db: None) -> list[Customer]:
    """Customers whose every coded value has a label: a person with Greek phones and an address, a company
    reached by phone, an internal department speaking German with a German mobile, a Dutch customer in
    the Netherlands reached by WhatsApp, and text Excel would run as a formula."""
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
            notes='Ώρα: πρωί; «ναι».\nΔεύτερη γραμμή, "ok"',
        )
    )
    address_add(customer=anna, line1="Ερμού 10", city="Αθήνα", postcode="105 63")
    customer_create(
        data=CustomerInput(
            kind="company",
            company_name="Ξενοδοχεία Κυκλάδων ΙΚΕ",
            emails=["info@kyklades.gr"],
            tags=["B2B"],
            preferred_channel="phone",
            formal=False,
        )
    )
    customer_create(
        data=CustomerInput(
            first_name="Jürgen",
            last_name="Müller",
            title="Herr",
            language="de",
            time_zone="Europe/Berlin",
            phones=["+49 151 23456789"],
            job_title="Einkauf",
            category="internal",
            birthday=dt.date(1990, 12, 1),
        )
    )
    anke = customer_create(
        data=CustomerInput(
            first_name="Anke",
            last_name="de Vries",
            language="nl",
            time_zone="Europe/Amsterdam",
            preferred_channel="whatsapp",
            phones=["+31 6 12345678"],
            emails=["anke@example.nl"],
        )
    )
    address_add(customer=anke, line1="Keizersgracht 1", city="Amsterdam", postcode="1015 CJ", country="NL")
    customer_create(
        data=CustomerInput(
            first_name='=HYPERLINK("x")',
            last_name="-Test",
            notes="+cmd|' /C calc'!A0",
            emails=["formula@example.com"],
        )
    )
    return list(Customer.objects.order_by("pk"))


def export(layout: Layout, fmt: Literal["csv", "xlsx"] = "csv") -> bytes:
    dest = io.BytesIO()
    export_customers(dest=dest, fmt=fmt, layout=layout)
    return dest.getvalue()


def rows_of(data: bytes, delimiter: str) -> list[dict[str, str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def by_last_name(rows: list[dict[str, str]], header: str) -> dict[str, dict[str, str]]:
    return {r[header]: r for r in rows}


def test_greek_csv_speaks_greek_with_semicolons_and_day_first_dates(book: list[Customer]) -> None:
    data = export(layout_for("el"))
    head = data[3:].decode("utf-8").split("\r\n", 1)[0]
    assert head == ";".join(GREEK_HEADERS)
    rows = by_last_name(rows_of(data, ";"), "Επώνυμο")
    anna = rows["Ζαΐμη"]
    assert (anna["Είδος"], anna["Κατηγορία"], anna["Γλώσσα"], anna["Χώρα"]) == (
        "Πρόσωπο",
        "Εξωτερικός",
        "Ελληνικά",
        "Ελλάδα",
    )
    assert anna["Ημερομηνία γέννησης"] == "14/03/1978"
    assert anna["Πληθυντικός ευγενείας"] == "ναι"
    assert anna["Τηλέφωνα"] == "697 123 4567, 21 0123 4567"  # as dialled in Greece: Excel keeps them as text
    assert anna["Σημειώσεις"] == 'Ώρα: πρωί; «ναι».\nΔεύτερη γραμμή, "ok"'
    company = rows[""]
    assert (company["Είδος"], company["Προτιμώμενο κανάλι"], company["Πληθυντικός ευγενείας"]) == (
        "Εταιρεία",
        "Τηλέφωνο",
        "όχι",
    )
    muller = rows["Müller"]
    assert (muller["Κατηγορία"], muller["Γλώσσα"], muller["Ημερομηνία γέννησης"]) == (
        "Εσωτερικός",
        "Γερμανικά",
        "01/12/1990",
    )
    assert (
        muller["Τηλέφωνα"] == "00 49 1512 3456789"
    )  # abroad: with 00, never a leading + (a formula to Excel)
    anke = rows["de Vries"]
    assert (anke["Γλώσσα"], anke["Χώρα"], anke["Προτιμώμενο κανάλι"]) == (
        "Ολλανδικά",
        "Κάτω Χώρες",
        "WhatsApp / Viber",
    )
    assert anke["Τηλέφωνα"] == "06 12345678"  # a Dutch number of a customer in the Netherlands
    assert rows["'-Test"]["Όνομα"] == '\'=HYPERLINK("x")'


def test_machine_csv_has_the_importer_keys_commas_and_iso_dates(book: list[Customer]) -> None:
    data = export(layout_for("el", machine=True))
    assert data[3:].decode("utf-8").split("\r\n", 1)[0] == ",".join(COLUMNS)
    rows = by_last_name(rows_of(data, ","), "last_name")
    anna = rows["Ζαΐμη"]
    assert (anna["kind"], anna["category"], anna["language"], anna["country"]) == (
        "person",
        "external",
        "el",
        "GR",
    )
    assert (anna["birthday"], anna["formal"], anna["phone"]) == (
        "1978-03-14",
        "yes",
        "+306971234567 | +302101234567",
    )
    assert rows[""]["preferred_channel"] == "phone"
    assert rows["de Vries"]["preferred_channel"] == "whatsapp"


def test_english_csv_has_english_headers_and_labels(book: list[Customer]) -> None:
    rows = by_last_name(rows_of(export(layout_for("en")), ","), "Last name")
    assert (rows["Müller"]["Customer type"], rows["Müller"]["Language"], rows["Müller"]["Birthday"]) == (
        "Internal",
        "German",
        "1990-12-01",
    )
    assert rows[""]["Preferred channel"] == "Phone"


def test_greek_xlsx_has_greek_headers_typed_dates_and_labels(book: list[Customer]) -> None:
    sheet = load_workbook(io.BytesIO(export(layout_for("el"), "xlsx"))).active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "Πελάτες"
    assert [c.value for c in sheet[1]] == GREEK_HEADERS
    anna = dict(zip(GREEK_HEADERS, sheet[2], strict=True))
    assert anna["Επώνυμο"].value == "Ζαΐμη"
    birthday = anna["Ημερομηνία γέννησης"]
    assert isinstance(birthday, Cell)
    assert birthday.is_date
    assert isinstance(birthday.value, dt.datetime)
    assert birthday.value.date() == dt.date(1978, 3, 14)
    assert birthday.number_format == "dd/mm/yyyy"
    assert anna["Πληθυντικός ευγενείας"].value is True
    assert anna["ΑΦΜ"].value == "094259216"  # text: the leading zero stays
    assert anna["Κατηγορία"].value == "Εξωτερικός"


@pytest.mark.parametrize("form", ["el", "en", "machine"])
def test_every_header_is_one_the_importer_reads_as_the_same_column(db: None, form: str) -> None:
    layout = LAYOUTS[form]()
    with translation.override(layout.language):
        from pelatis.core.tabular import header
        from pelatis.customers.exporting import columns

        headers = [header(c, layout) for c in columns()]
        mapped = map_headers(headers, CUSTOMER_COLUMNS)
    assert mapped.warnings == []
    assert mapped.positions == {key: [i] for i, key in enumerate(COLUMNS)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("form", ["el", "en", "machine"])
def test_each_form_imports_back_as_the_same_customers(
    book: list[Customer], form: str, fmt: Literal["csv", "xlsx"]
) -> None:
    # given
    before = customer_snapshot()
    data = export(LAYOUTS[form](), fmt)
    Customer.objects.all().delete()
    Tag.objects.all().delete()
    # when
    result = import_file(source=io.BytesIO(data), file_name=f"customers.{fmt}", kind="customers")
    # then
    assert result.errors == []
    assert result.warnings == []
    assert (result.created, result.updated) == (len(book), 0)
    assert customer_snapshot() == before


@pytest.mark.parametrize("form", ["el", "machine"])
def test_reimporting_an_export_over_the_same_customers_changes_nothing(
    book: list[Customer], form: str
) -> None:
    before = customer_snapshot()
    result = import_file(
        source=io.BytesIO(export(LAYOUTS[form]())), file_name="customers.csv", kind="customers"
    )
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, len(book), [])
    assert customer_snapshot() == before


# ---------------------------------------------------------------- labels back to codes


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("preferred_channel", "Τηλέφωνο", "phone"),
        ("preferred_channel", "τηλεφωνο", "phone"),
        ("preferred_channel", "Phone", "phone"),
        ("preferred_channel", "WhatsApp / Viber", "whatsapp"),
        ("preferred_channel", "Δια ζώσης", "in_person"),
        ("preferred_channel", "sms", "sms"),
        ("category", "Εξωτερικός", "external"),
        ("category", "Εσωτερικός πελάτης (τμήμα)", "internal"),
        ("category", "Internal", "internal"),
        ("kind", "Εταιρεία", "company"),
        ("kind", "Person", "person"),
        ("language", "Ολλανδικά", "nl"),
        ("language", "Dutch", "nl"),
        ("language", "Nederlands", "nl"),
        ("language", "Deutsch (Γερμανικά)", "de"),
        ("language", "el", "el"),
        ("language", "EN", "en"),
        ("country", "Κάτω Χώρες", "NL"),
        ("country", "Ιράν", "IR"),
        ("country", "Hong Kong SAR China", "HK"),
        ("country", "gr", "GR"),
        ("preferred_channel", "Περιστέρι", None),
        ("language", "Κλίγκον", None),
        ("country", "Ατλαντίδα", None),
    ],
)
def test_labels_in_any_of_our_languages_map_back_to_codes(
    db: None, field: str, text: str, value: str | None
) -> None:
    assert locale_values.value_from_label(field, text) == value


def test_every_label_maps_back_in_every_language(db: None) -> None:
    from pelatis.customers.form_choices import COMMON_LANGUAGES, country_choices

    for code, _name in django_settings.LANGUAGES:
        with translation.override(code):
            for field, values in (
                ("kind", Customer.Kind.values),
                ("category", Customer.Category.values),
                ("preferred_channel", Customer.Channel.values),
                ("language", COMMON_LANGUAGES),
                ("country", [c for c, _n in country_choices(code)]),
            ):
                for value in values:
                    label = locale_values.value_label(field, value)
                    assert locale_values.value_from_label(field, label) == value, (code, field, value, label)


# ---------------------------------------------------------------- the web download and the CLI


def greek(client: Any) -> Any:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def test_web_export_follows_the_page_language_and_streams(
    client_as: Any, manager: Any, book: list[Customer]
) -> None:
    response = greek(client_as(manager)).get(reverse("customers:export", args=["csv"]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "filename*=UTF-8''%CF%80%CE%B5%CE%BB%CE%AC%CF%84%CE%B5%CF%82-" in response["Content-Disposition"]
    )  # πελάτες-
    data = b"".join(response.streaming_content)
    assert data.startswith(codecs.BOM_UTF8 + "Κωδικός πελάτη;Είδος;".encode())
    assert by_last_name(rows_of(data, ";"), "Επώνυμο")["Ζαΐμη"]["Ημερομηνία γέννησης"] == "14/03/1978"


def test_web_export_in_the_machine_format_on_request(
    client_as: Any, manager: Any, book: list[Customer]
) -> None:
    response = greek(client_as(manager)).get(reverse("customers:export", args=["csv"]), {"format": "machine"})
    data = b"".join(response.streaming_content)
    assert data.startswith(codecs.BOM_UTF8 + b"external_ref,kind,category,")
    assert by_last_name(rows_of(data, ","), "last_name")["Ζαΐμη"]["birthday"] == "1978-03-14"


def test_web_xlsx_export_of_search_results(client_as: Any, manager: Any, book: list[Customer]) -> None:
    response = greek(client_as(manager)).get(reverse("customers:export", args=["xlsx"]), {"q": "zaimi"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Κωδικός πελάτη", "Είδος")
    assert [r[5] for r in rows[1:]] == ["Ζαΐμη"]
    assert rows[1][15] == dt.datetime(1978, 3, 14)  # noqa: DTZ001 - a date cell: XLSX has no time zone


def test_an_agent_may_not_export(client_as: Any, agent: Any, book: list[Customer]) -> None:
    assert client_as(agent).get(reverse("customers:export", args=["csv"])).status_code == 403


def test_cli_exports_for_people_in_the_business_language(
    book: list[Customer], tmp_path: Path, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "el"
    path = tmp_path / "pelates.csv"
    call_command("export", "customers", str(path), stdout=io.StringIO())
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + ";".join(GREEK_HEADERS).encode())
    result = import_file(source=io.BytesIO(data), file_name="pelates.csv", kind="customers")
    assert (result.unchanged, result.errors) == (len(book), [])


@pytest.mark.parametrize(
    ("args", "start"),
    [(["--machine"], b"external_ref,kind,"), (["--language", "en"], b"Customer code,Kind,")],
)
def test_cli_machine_and_language_options(
    book: list[Customer], tmp_path: Path, settings: Any, args: list[str], start: bytes
) -> None:
    settings.LANGUAGE_CODE = "el"
    path = tmp_path / "out.csv"
    call_command("export", "customers", str(path), *args, stdout=io.StringIO())
    assert path.read_bytes().startswith(codecs.BOM_UTF8 + start)


def test_cli_xlsx_for_people(book: list[Customer], tmp_path: Path, settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    path = tmp_path / "pelates.xlsx"
    call_command("export", "customers", str(path), stdout=io.StringIO())
    sheet = load_workbook(path, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("Κωδικός πελάτη", "Είδος", "Κατηγορία")
