"""Export customers as CSV or XLSX, for people (the reader's language: Greek headers and labels,
``;``, dd/mm/yyyy) or for programs (the importer's English keys, ``,``, ISO dates). Either form
re-imports as it is: the headers are ones the importer knows, coded values map back
(``locale_values``), and phones are written so that the importer reads the same number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO, Literal

import phonenumbers
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext, pgettext_lazy

from pelatis.core.dbrouter import replica_alias, replica_reads
from pelatis.core.tabular import MACHINE, Column, Layout, csv_safe, write_csv, write_xlsx

from . import locale_values
from .models import Customer

__all__ = ["CHUNK", "COLUMNS", "columns", "csv_safe", "customer_count", "customer_rows", "export_customers"]


# The headers people read are ones the importer knows in both languages (checked by the tests).
_COLUMNS = (
    Column("external_ref", pgettext_lazy("customer export column", "Customer code"), width=14),
    Column("kind", pgettext_lazy("customer export column", "Kind"), choices=locale_values.kind_label),
    Column(
        "category",
        pgettext_lazy("customer export column", "Customer type"),
        choices=locale_values.category_label,
    ),
    Column("title", pgettext_lazy("customer export column", "Form of address")),
    Column("first_name", pgettext_lazy("customer export column", "First name"), width=16),
    Column("last_name", pgettext_lazy("customer export column", "Last name"), width=18),
    Column("company", pgettext_lazy("customer export column", "Company"), width=24),
    Column("job_title", pgettext_lazy("customer export column", "Job title"), width=16),
    Column("email", pgettext_lazy("customer export column", "Email"), width=28),
    Column(
        "phone", pgettext_lazy("customer export column", "Phones"), width=20, verbatim=True
    ),  # never a formula: see customer_row
    Column("vat", pgettext_lazy("customer export column", "VAT number"), width=12),
    Column(
        "language", pgettext_lazy("customer export column", "Language"), choices=locale_values.language_name
    ),
    Column("time_zone", pgettext_lazy("customer export column", "Time zone"), width=16),
    Column(
        "preferred_channel",
        pgettext_lazy("customer export column", "Preferred channel"),
        choices=locale_values.channel_label,
    ),
    Column("formal", pgettext_lazy("customer export column", "Formal address"), kind="bool"),
    Column("birthday", pgettext_lazy("customer export column", "Birthday"), kind="date", width=12),
    Column("tags", pgettext_lazy("customer export column", "Tags"), width=20),
    Column("notes", pgettext_lazy("customer export column", "Notes"), width=40),
    Column("address", pgettext_lazy("customer export column", "Address"), width=24),
    Column("city", pgettext_lazy("customer export column", "City"), width=14),
    Column("postcode", pgettext_lazy("customer export column", "Postcode")),
    Column("country", pgettext_lazy("customer export column", "Country"), choices=locale_values.country_name),
)
COLUMNS = tuple(c.key for c in _COLUMNS)  # the machine headers: the importer's own column names
_PHONE = COLUMNS.index("phone")
CHUNK = 2000


def columns() -> tuple[Column, ...]:
    return _COLUMNS


def _phones_for_people(phones: list[str], region: str) -> str:
    """Phones as a person dials them: the customer's own country's numbers in national form
    ("697 123 4567"), others with 00 ("00 49 151 23456789"), so Excel keeps them as text and never
    runs a leading + as a formula. The importer reads both back as the same E.164 number (national
    numbers in the row's country, which is the address's country or the business's)."""
    out = []
    for value in phones:
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            out.append(value)
            continue
        if phonenumbers.region_code_for_number(number) == region:
            out.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        else:
            international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            out.append("00 " + international.removeprefix("+"))
    return ", ".join(out)


def customer_row(customer: Customer, layout: Layout = MACHINE) -> list[Any]:
    """One export row (values typed: dates, booleans, stored codes); contact points, tags and
    addresses must be prefetched."""
    points = list(customer.contact_points.all())  # primary first (model ordering)
    emails = [p.value for p in points if p.kind == "email"]
    phones = [p.value for p in points if p.kind == "phone"]
    address = next(iter(customer.addresses.all()), None)
    if layout.machine:
        phone_cell = " | ".join(phones)  # E.164 (+30...)
    else:
        phone_cell = _phones_for_people(
            phones, address.country if address and address.country else settings.PELATIS_DEFAULT_REGION
        )
    return [
        customer.external_ref or "",
        customer.kind,
        customer.category,
        customer.title,
        customer.first_name,
        customer.last_name,
        customer.company_name,
        customer.job_title,
        emails[0] if emails else "",
        phone_cell,
        customer.vat_number,
        customer.language,
        customer.time_zone,
        customer.preferred_channel,
        customer.formal,
        customer.birthday,
        ", ".join(sorted(t.name for t in customer.tags.all())),
        customer.notes,
        address.line1 if address else "",
        address.city if address else "",
        address.postcode if address else "",
        address.country if address else "",
    ]


def _export_db() -> str:
    """Exports read from the read replica when one is configured (a moment behind the primary at most): the
    alias is fixed here because CSV rows are read while the response streams, after the view has returned."""
    with replica_reads():
        return replica_alias()


def customer_count(customer_ids: list[int] | None) -> int:
    """How many rows ``customer_rows`` gives for these ids (None: every live customer), in one query."""
    live = Customer.objects.using(_export_db()).filter(merged_into__isnull=True)
    if customer_ids is None:
        return live.count()
    ids = list(dict.fromkeys(customer_ids))
    return sum(live.filter(pk__in=ids[i : i + CHUNK]).count() for i in range(0, len(ids), CHUNK))


def customer_rows(customer_ids: list[int] | None, layout: Layout = MACHINE) -> Iterator[list[Any]]:
    """Export rows, CHUNK customers at a time, each chunk with its contact points, tags and addresses."""
    live = (
        Customer.objects.using(_export_db())
        .filter(merged_into__isnull=True)
        .prefetch_related("contact_points", "tags", "addresses")
    )
    if customer_ids is None:
        for customer in live.order_by("pk").iterator(chunk_size=CHUNK):
            yield customer_row(customer, layout)
        return
    # Chosen customers (e.g. search results) in the caller's order; the ids go in
    # CHUNK at a time, so even 100k of them stay under the database's parameter limit.
    ids = list(dict.fromkeys(customer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {c.pk: c for c in live.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in found:
                yield customer_row(found[pk], layout)


def export_customers(
    *,
    dest: BinaryIO,
    fmt: Literal["csv", "xlsx"] = "csv",
    bom: bool = True,
    customer_ids: list[int] | None = None,
    layout: Layout = MACHINE,
) -> int:
    """Write customers (all, or these ids) to ``dest`` as CSV (UTF-8, with a BOM so Excel reads Greek) or
    XLSX, in ``layout`` (for people in a language, or the machine format); returns the number of rows."""
    if fmt == "csv":
        return write_csv(dest, _COLUMNS, customer_rows(customer_ids, layout), layout, bom=bom)
    if fmt == "xlsx":
        return write_xlsx(
            dest, _COLUMNS, customer_rows(customer_ids, layout), layout, title=xlsx_title(layout)
        )
    raise ValueError(f"unknown export format {fmt!r}")


def xlsx_title(layout: Layout) -> str:
    """The sheet's name: "customers", or the word in the reader's language."""
    if layout.machine:
        return "customers"
    with translation.override(layout.language):
        return pgettext("sheet name", "Customers")
