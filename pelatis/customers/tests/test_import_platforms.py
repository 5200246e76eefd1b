"""Moving in from another system: the exports of Shopify, WooCommerce, Odoo, HubSpot and Mailchimp
import as they are (names, company, address parts, phones, tags, notes, marketing consent), and a
new customer's language and time zone follow their country or phone."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, Literal

import pytest

from pelatis.customers.importing import import_file
from pelatis.customers.models import Address, Customer, ImportedConsent, Order

DATA = Path(__file__).parent / "data"


def run(name: str, kind: Literal["customers", "orders"] = "customers", **kwargs: Any) -> Any:
    with (DATA / name).open("rb") as f:
        return import_file(source=f, file_name=name, kind=kind, **kwargs)


def consents(customer: Customer) -> set[tuple[str, bool, str, dt.date | None]]:
    return {
        (c.channel, c.granted, c.source, c.stated_at.date() if c.stated_at else None)
        for c in ImportedConsent.objects.filter(customer=customer)
    }


@pytest.mark.parametrize(
    ("name", "kind", "platform", "created"),
    [
        ("shopify_customers_export.csv", "customers", "shopify", 2),
        ("woocommerce_customers_export.csv", "customers", "woocommerce", 2),
        ("odoo_contacts_export.csv", "customers", "odoo", 3),
        ("hubspot_contacts_export.csv", "customers", "hubspot", 2),
        ("mailchimp_audience_export.csv", "customers", "mailchimp", 2),
    ],
)
def test_each_platform_export_imports_without_hand_mapping(
    db: None, name: str, kind: Literal["customers", "orders"], platform: str, created: int
) -> None:
    result = run(name, kind)
    assert result.platform == platform
    assert result.errors == []
    assert (result.created, result.invalid, result.written) == (created, 0, True)


def test_shopify_customers_with_address_parts_tags_notes_and_consent(db: None) -> None:
    run("shopify_customers_export.csv")
    eleni = Customer.objects.get(external_ref="7012345678901")
    assert (eleni.first_name, eleni.last_name, eleni.notes) == (
        "Ελένη",
        "Κωστοπούλου",
        "Πελάτισσα από το κατάστημα",
    )
    assert set(eleni.tags.values_list("name", flat=True)) == {"VIP", "Νησιά"}
    address = Address.objects.get(customer=eleni)
    assert (address.line1, address.line2, address.city, address.postcode, address.country) == (
        "Ερμού 12",
        "2ος όροφος",
        "Αθήνα",
        "10563",
        "GR",
    )
    assert consents(eleni) == {("email", True, "shopify", None), ("sms", False, "shopify", None)}
    oliver = Customer.objects.get(external_ref="7012345678902")
    assert oliver.company_name == "Smith & Sons Ltd"
    assert list(oliver.contact_points.filter(kind="phone").values_list("value", flat=True)) == [
        "+442079460958"
    ]
    assert (oliver.language, oliver.time_zone) == ("en", "Europe/London")  # from the country, not el/Athens
    assert consents(oliver) == {("email", False, "shopify", None), ("sms", False, "shopify", None)}


def test_odoo_contacts_companies_languages_and_time_zones(db: None) -> None:
    run("odoo_contacts_export.csv")
    company = Customer.objects.get(external_ref="__export__.res_partner_41_a1b2c3d4")
    assert (company.kind, company.company_name, company.vat_number) == (
        "company",
        "Αιγαίο Τουριστική ΑΕ",
        "094259216",
    )
    maria = Customer.objects.get(last_name="Αλεξίου")
    assert (maria.first_name, maria.company_name, maria.job_title) == (
        "Μαρία",
        "Αιγαίο Τουριστική ΑΕ",
        "Υπεύθυνη κρατήσεων",
    )
    assert maria.contact_points.filter(kind="phone").count() == 2
    giulia = Customer.objects.get(last_name="Rossi")
    assert (giulia.language, giulia.time_zone) == ("it", "Europe/Rome")


def test_hubspot_consent_and_an_unsubscribe(db: None) -> None:
    run("hubspot_contacts_export.csv")
    katerina = Customer.objects.get(external_ref="9876501")
    assert katerina.company_name == "Παππάς Ταξιδιωτική"
    assert consents(katerina) == {("email", True, "hubspot", None)}
    james = Customer.objects.get(external_ref="9876502")
    assert consents(james) == {("email", False, "hubspot", None)}
    assert (james.language, james.time_zone) == ("en", "America/Los_Angeles")  # the phone's own zone


def test_mailchimp_packed_address_tags_and_dated_consent(db: None) -> None:
    run("mailchimp_audience_export.csv")
    sofia = Customer.objects.get(last_name="Γεωργίου")
    address = Address.objects.get(customer=sofia)
    assert (address.line1, address.city, address.region, address.postcode, address.country) == (
        "Αγίου Νικολάου 3",
        "Ηράκλειο",
        "Κρήτη",
        "71202",
        "GR",
    )
    assert set(sofia.tags.values_list("name", flat=True)) == {"Newsletter", "Κρήτη"}
    assert consents(sofia) == {("email", True, "mailchimp", dt.date(2024, 5, 2))}
    assert sofia.birthday is None  # Mailchimp's birthday has no year
    emma = Customer.objects.get(last_name="Jones")
    assert (emma.language, emma.time_zone) == ("en", "Europe/London")


@pytest.mark.parametrize(
    ("customers", "orders", "expected"),
    [
        (
            "shopify_customers_export.csv",
            "shopify_orders_export.csv",
            {"#1001": ("paid", "75.00", 2), "#1002": ("refunded", "89.00", 1)},
        ),
        (
            "woocommerce_customers_export.csv",
            "woocommerce_orders_export.csv",
            {"WC-501": ("fulfilled", "60.00", 2), "WC-502": ("paid", "45.00", 1)},
        ),
        (
            "odoo_contacts_export.csv",
            "odoo_sale_orders_export.csv",
            {"S00021": ("paid", "750.00", 2), "S00022": ("placed", "285.00", 1)},
        ),
    ],
)
def test_shop_order_exports_import_after_their_customers(
    db: None, customers: str, orders: str, expected: dict[str, tuple[str, str, int]]
) -> None:
    run(customers)
    result = run(orders, "orders")
    assert result.errors == []
    assert result.platform
    got = {o.reference: (o.status, str(o.total), o.lines.count()) for o in Order.objects.all()}
    assert got == expected


def test_an_unknown_column_is_offered_for_mapping_with_sample_values(db: None) -> None:
    result = run("hubspot_contacts_export.csv", dry_run=True)
    unknown = {c["header"]: c["samples"] for c in result.columns if not c["field"] and not c["ignored"]}
    assert unknown["Lifecycle Stage"] == ["customer", "lead"]
    # mapped by hand, the column is read as that field
    mapped = run("hubspot_contacts_export.csv", dry_run=True, mapping={"Lifecycle Stage": "tags"})
    assert {c["header"]: c["field"] for c in mapped.columns}["Lifecycle Stage"] == "tags"


@pytest.mark.parametrize(
    ("row", "language", "zone"),
    [
        (["Oliver", "Smith", "+44 20 7946 0958", ""], "en", "Europe/London"),
        (["Hans", "Müller", "", "Deutschland"], "de", "Europe/Berlin"),
        (["Νίκος", "Αλεξίου", "697 111 2233", ""], "el", "Europe/Athens"),
        (["Ανδρέας", "Κυπριανού", "", "Κύπρος"], "el", "Asia/Nicosia"),
        (["Ann", "Lee", "+1 212 555 0100", ""], "en", "America/New_York"),
    ],
)
def test_language_and_time_zone_follow_country_or_phone_prefix(
    db: None, row: list[str], language: str, zone: str
) -> None:
    data = ("first_name,last_name,phone,country\n" + ",".join(row) + "\n").encode()
    import_file(source=io.BytesIO(data), file_name="p.csv", kind="customers")
    customer = Customer.objects.get()
    assert (customer.language, customer.time_zone) == (language, zone)


def test_a_given_language_wins_and_a_stored_profile_keeps_its_own(db: None, papadopoulos: Customer) -> None:
    data = (
        "first_name,last_name,email,phone,language\n"
        "Oliver,Smith,o@example.co.uk,+44 20 7946 0958,el\n"
        "Γιώργος,Παπαδόπουλος,g.papadopoulos@example.gr,+44 20 7946 0959,\n"
    ).encode()
    import_file(source=io.BytesIO(data), file_name="p.csv", kind="customers")
    oliver = Customer.objects.get(last_name="Smith")
    assert (oliver.language, oliver.time_zone) == ("el", "Europe/London")
    papadopoulos.refresh_from_db()
    assert (papadopoulos.language, papadopoulos.time_zone) == ("el", "Europe/Athens")
