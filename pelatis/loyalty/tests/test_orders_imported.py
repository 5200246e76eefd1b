"""Imported orders earn when the import commits and give the points back when the import is undone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone

from pelatis.customers.importing import import_file, import_undo
from pelatis.customers.models import Customer, ImportJob
from pelatis.customers.tests.import_files import csv_bytes

from ..models import LedgerEntry
from ..services.ledger import balance_check
from .helpers import balance


def test_an_import_earns_and_its_undo_reverses(
    papadopoulos: Customer, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day = (timezone.now() - dt.timedelta(days=3)).strftime("%Y-%m-%d 10:00")
    rows = [
        ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
        ["ΕΙΣ-1", "g.papadopoulos@example.gr", day, "Σουίτα", "2", "160"],
        ["ΕΙΣ-2", "g.papadopoulos@example.gr", day, "Σπα", "1", "70,50"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file(
            source=io.BytesIO(csv_bytes(rows)), file_name="orders.csv", kind="orders", by=agent
        )

    assert balance(papadopoulos) == 390
    assert result.job_id is not None
    with django_capture_on_commit_callbacks(execute=True):
        import_undo(job=ImportJob.objects.get(pk=result.job_id), by=agent)

    assert sorted(LedgerEntry.objects.filter(kind="reverse").values_list("points", flat=True)) == [-320, -70]
    assert balance(papadopoulos) == 0
    assert balance_check(customer=papadopoulos).ok
