"""Export customers to CSV or XLSX with the importer's English headers, so an
export re-imports cleanly (same columns, same values, Greek intact)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any, BinaryIO, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import Customer

COLUMNS = ("external_ref", "kind", "category", "title", "first_name", "last_name", "company", "job_title", "email",
           "phone", "vat", "language", "time_zone", "preferred_channel", "formal", "birthday", "tags", "notes",
           "address", "city", "postcode", "country")
CHUNK = 2000
# Excel runs a cell that starts with one of these as a formula ("CSV
# injection"); such cells get a leading ' which the importer takes off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def customer_row(customer: Customer) -> list[str]:
    """One export row; contact points, tags and addresses must be prefetched."""
    points = list(customer.contact_points.all())  # primary first (model ordering)
    emails = [p.value for p in points if p.kind == "email"]
    phones = [p.value for p in points if p.kind == "phone"]
    address = next(iter(customer.addresses.all()), None)
    return [
        customer.external_ref or "", customer.kind, customer.category, customer.title, customer.first_name,
        customer.last_name, customer.company_name, customer.job_title, emails[0] if emails else "",
        " | ".join(phones), customer.vat_number, customer.language, customer.time_zone, customer.preferred_channel,
        "yes" if customer.formal else "no", customer.birthday.isoformat() if customer.birthday else "",
        ", ".join(sorted(t.name for t in customer.tags.all())), customer.notes,
        address.line1 if address else "", address.city if address else "", address.postcode if address else "",
        address.country if address else "",
    ]


def _rows(customer_ids: list[int] | None) -> Iterator[list[str]]:
    """Export rows, CHUNK customers at a time, each chunk with its contact points, tags and addresses."""
    live = Customer.objects.filter(merged_into__isnull=True).prefetch_related("contact_points", "tags", "addresses")
    if customer_ids is None:
        for customer in live.order_by("pk").iterator(chunk_size=CHUNK):
            yield customer_row(customer)
        return
    # Chosen customers (e.g. search results) in the caller's order; the ids go in
    # CHUNK at a time, so even 100k of them stay under the database's parameter limit.
    ids = list(dict.fromkeys(customer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        found = {c.pk: c for c in live.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in found:
                yield customer_row(found[pk])


def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_customers(
    *,
    dest: BinaryIO,
    fmt: Literal["csv", "xlsx"] = "csv",
    bom: bool = True,
    customer_ids: list[int] | None = None,
) -> int:
    """Write customers (all, or these ids) to ``dest`` as CSV (UTF-8, with a BOM so Excel reads Greek) or
    XLSX; returns the number of rows written."""
    if fmt == "csv":
        return _write_csv(dest, bom, _rows(customer_ids))
    if fmt == "xlsx":
        return _write_xlsx(dest, _rows(customer_ids))
    raise ValueError(f"unknown export format {fmt!r}")


def _write_csv(dest: BinaryIO, bom: bool, rows: Iterator[list[str]]) -> int:
    # Encoded chunk by chunk, so ``dest`` only needs write(bytes) (a file, an HttpResponse...).
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    if bom:
        dest.write(codecs.BOM_UTF8)
    phone = COLUMNS.index("phone")
    count = 0
    for row in rows:
        # Phones are E.164 (+30...): digits only, so they are kept as they are.
        writer.writerow([v if i == phone else csv_safe(v) for i, v in enumerate(row)])
        count += 1
        if count % CHUNK == 0:
            dest.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    dest.write(buffer.getvalue().encode("utf-8"))
    return count


def _xlsx_value(sheet: Any, value: str) -> Any:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def _write_xlsx(dest: BinaryIO, rows: Iterator[list[str]]) -> int:
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("customers")
    sheet.append(list(COLUMNS))
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
        count += 1
    book.save(dest)
    return count
