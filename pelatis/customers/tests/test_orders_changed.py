"""Apps that follow orders (CUSTOMER_ORDERS_CHANGED) hear of every order written or deleted, by any path,
only after the write commits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import transaction

from pelatis.customers.importing import import_file, import_undo
from pelatis.customers.models import Customer, ImportJob, Order
from pelatis.customers.services import orders as order_services

from .import_files import csv_bytes


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every call a following app would receive, in order."""
    calls: list[list[int]] = []

    def follow(name: str) -> list[Any]:
        return [calls.append] if name == "CUSTOMER_ORDERS_CHANGED" else []

    monkeypatch.setattr(order_services, "contributions", follow)
    return calls


ROWS = [
    ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
    ["B-1", "g.papadopoulos@example.gr", "2026-03-01 10:00", "Σουίτα", "2", "160"],
    ["B-2", "g.papadopoulos@example.gr", "2026-03-02 10:00", "Σπα", "1", "70"],
]


def _import(rows: list[list[str]] = ROWS, **kwargs: Any) -> Any:
    return import_file(source=io.BytesIO(csv_bytes(rows)), file_name="orders.csv", kind="orders", **kwargs)


def test_an_order_created_is_heard_after_commit_only(
    db: None,
    papadopoulos: Customer,
    make_order: Any,
    heard: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as pending:
        order = make_order(papadopoulos, "ORD-1", total="65.50")
    assert heard == []  # nothing before the commit
    for callback in pending:
        callback()
    assert heard == [[order.pk]]


def test_import_create_update_and_undo_are_each_heard(
    db: None,
    papadopoulos: Customer,
    agent: Any,
    heard: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(by=agent)
    ids = sorted(Order.objects.values_list("pk", flat=True))
    assert heard == [ids]
    changed = [ROWS[0], ROWS[1], [*ROWS[2][:5], "75,5"]]  # B-2 costs more now
    with django_capture_on_commit_callbacks(execute=True):
        rewritten = _import(changed, by=agent, overwrite=True)
    b2 = Order.objects.get(reference="B-2").pk
    assert len(heard) == 2
    assert b2 in heard[1]
    assert len(heard[1]) == rewritten.updated  # the orders the import rewrote, each once
    with django_capture_on_commit_callbacks(execute=True):
        import_undo(job=ImportJob.objects.get(pk=result.job_id), by=agent)
    assert len(heard) == 3
    assert heard[2] == ids  # the created orders are deleted again
    assert not Order.objects.exists()


def test_a_dry_run_tells_no_one(
    db: None, papadopoulos: Customer, heard: list[list[int]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as ran:
        preview = _import(dry_run=True)
    assert preview.created == 2
    assert heard == []
    assert not Order.objects.exists()
    assert all("orders_changed" not in getattr(c, "__qualname__", "") for c in ran)


def test_orders_written_in_one_transaction_are_heard_once_together(
    db: None,
    papadopoulos: Customer,
    make_order: Any,
    heard: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = make_order(papadopoulos, "ORD-1")
        second = make_order(papadopoulos, "ORD-2")
    assert heard == [sorted([first.pk, second.pk])]


def test_orders_of_a_rolled_back_savepoint_are_not_heard(
    db: None,
    papadopoulos: Customer,
    make_order: Any,
    heard: list[list[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    def failing_form() -> None:
        with transaction.atomic():
            make_order(papadopoulos, "ORD-GONE")
            raise RuntimeError("the form failed after all")

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            failing_form()
        kept = make_order(papadopoulos, "ORD-KEPT")
    assert heard == [[kept.pk]]
    assert list(Order.objects.values_list("reference", flat=True)) == ["ORD-KEPT"]
