"""The documented example files import as they are, and the README lists every accepted column."""

from __future__ import annotations

from pathlib import Path

from pelatis.customers.importing import CUSTOMER_COLUMNS, ORDER_COLUMNS, import_file
from pelatis.customers.models import Customer, ImportedConsent, Order

ROOT = Path(__file__).resolve().parents[3]


def test_the_example_files_in_docs_import_without_errors(db: None) -> None:
    with (ROOT / "docs" / "import-customers-example.csv").open("rb") as f:
        customers = import_file(source=f, file_name="import-customers-example.csv", kind="customers")
    with (ROOT / "docs" / "import-orders-example.csv").open("rb") as f:
        orders = import_file(source=f, file_name="import-orders-example.csv", kind="orders")
    assert (customers.errors, customers.warnings, customers.created) == ([], [], 3)
    assert (orders.errors, orders.warnings, orders.created) == ([], [], 2)
    assert (
        Order.objects.get(reference="ORD-5001").total
        == Customer.objects.get(external_ref="C-1001").orders.get().total
    )
    assert ImportedConsent.objects.filter(
        customer__external_ref="C-1001", channel="email", granted=True
    ).exists()


def test_the_readme_lists_every_accepted_column() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Importing customers and orders") :]
    for col in (*CUSTOMER_COLUMNS, *ORDER_COLUMNS):
        assert f"`{col.name}`" in section
        for alias in col.aliases:
            assert alias in section, alias
