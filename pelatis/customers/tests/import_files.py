"""Files for the import tests: Greek rows as CSV bytes, one import run, and the counts of what it wrote."""

from __future__ import annotations

import csv
import io
from typing import Any

from pelatis.customers.importing import import_file
from pelatis.customers.models import (
    Address,
    ContactPoint,
    Customer,
    Interaction,
    Order,
    OrderLine,
    SearchTerm,
)

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
