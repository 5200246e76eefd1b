"""Imports never destroy data silently: a preview before anything is written, an update policy that
fills blanks and keeps what is there (a Greek name above all), and an undo that refuses to throw away
later work."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from pelatis.customers.importing import import_file, import_undo
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import (
    ContactPoint,
    Customer,
    ImportChange,
    ImportJob,
    Interaction,
    Order,
    SearchTerm,
)
from pelatis.customers.services import contact_point_add, customer_update
from pelatis.lang.scripts import same_name_other_script

from .import_files import counts, csv_bytes


def run(rows: list[list[str]], **kwargs: Any) -> Any:
    kwargs.setdefault("kind", "customers")
    return import_file(source=io.BytesIO(csv_bytes(rows)), file_name="pelates.csv", **kwargs)


LATIN_UPDATE = [
    ["first_name", "last_name", "email", "phone", "job_title", "title"],
    ["Giorgos", "Papadopoulos", "g.papadopoulos@example.gr", "+30 697 999 8877", "Manager", "Mr"],
]


# ---------------------------------------------------------------- the update policy


def test_a_latin_spelling_never_replaces_a_greek_name_even_when_overwriting(
    db: None, papadopoulos: Customer
) -> None:
    # given: Γιώργος Παπαδόπουλος (title κ., no job title), found by email; the file spells him in Latin
    for overwrite in (False, True):
        result = run(LATIN_UPDATE, overwrite=overwrite)
        papadopoulos.refresh_from_db()
        assert (papadopoulos.first_name, papadopoulos.last_name) == ("Γιώργος", "Παπαδόπουλος")
        kept = {f["field"]: f["kept"] for c in result.changes for f in c["fields"]}
        assert kept["first_name"] == kept["last_name"] == "script"
    # the blank job title was filled and the new phone added, the filled title only replaced when overwriting
    assert papadopoulos.job_title == "Manager"
    assert papadopoulos.title == "Mr"
    assert ContactPoint.objects.filter(customer=papadopoulos, value="+306979998877").exists()


def test_by_default_filled_fields_are_kept_and_blank_ones_filled(db: None, papadopoulos: Customer) -> None:
    result = run(LATIN_UPDATE)
    papadopoulos.refresh_from_db()
    assert papadopoulos.title == "κ."  # filled: kept
    assert papadopoulos.job_title == "Manager"  # blank: filled
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    [change] = result.changes
    fields = {f["field"]: (f["before"], f["after"], f["kept"]) for f in change["fields"]}
    assert fields["job_title"] == ("", "Manager", "")
    assert fields["title"] == ("κ.", "Mr", "filled")
    assert change["added"] == [{"field": "phones", "value": "+306979998877"}]
    # the timeline says what changed in words, never raw keys
    entry = Interaction.objects.get(customer=papadopoulos, summary__startswith="Updated from import")
    assert entry.summary == "Updated from import of pelates.csv: Job title / department, Phone"


def test_the_timeline_entry_is_in_the_business_language(
    db: None, papadopoulos: Customer, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "el"
    rows = [["email", "last_name", "phone"], ["g.papadopoulos@example.gr", "Παπαδόπουλος", "2101234567"]]
    run(rows + [])
    entry = Interaction.objects.filter(customer=papadopoulos, source_type="customers.importjob").get()
    assert "phones" not in entry.summary
    assert entry.summary.endswith(": Τηλέφωνο")


@pytest.mark.parametrize(
    ("greek", "latin", "same"),
    [
        ("Γιώργος", "Giorgos", True),
        ("Γιώργος", "Yiorgos", True),
        ("Γιώργος", "Georgios", True),
        ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos", True),
        ("Κώστας", "Konstantinos", True),
        ("Παπαδόπουλος", "Papadakis", False),
        ("Άννα", "Maria", False),
        ("Γιώργος", "Γεώργιος", False),
    ],
)
def test_same_name_in_another_script(greek: str, latin: str, same: bool) -> None:
    assert same_name_other_script(greek, latin) is same


# ---------------------------------------------------------------- preview and dry run


def test_a_preview_counts_and_lists_changes_and_writes_nothing(db: None, papadopoulos: Customer) -> None:
    rows = [
        ["first_name", "last_name", "email", "job_title", "tags"],
        ["Γιώργος", "Παπαδόπουλος", "g.papadopoulos@example.gr", "Διευθυντής", "Νέος"],
        ["Άννα", "Βλάχου", "anna@example.gr", "", ""],
        ["Πέτρος", "", "not-an-email", "", ""],
    ]
    before = counts()
    jobs = ImportJob.objects.count()
    result = run(rows, dry_run=True, skip_invalid=True)
    assert counts() == before
    assert ImportJob.objects.count() == jobs  # not even the job's record
    assert not Customer.objects.filter(last_name="Βλάχου").exists()
    assert (result.preview, result.written) == (True, False)
    assert (result.created, result.updated, result.unchanged, result.invalid) == (1, 1, 0, 1)
    [change] = result.changes
    assert change["name"] == "Γιώργος Παπαδόπουλος"
    assert {f["field"]: f["after"] for f in change["fields"]} == {"job_title": "Διευθυντής"}
    assert change["added"] == [{"field": "tags", "value": "Νέος"}]


def test_cli_dry_run_prints_the_preview_and_writes_nothing(
    db: None, papadopoulos: Customer, tmp_path: Path
) -> None:
    path = tmp_path / "pelates.csv"
    path.write_bytes(csv_bytes(LATIN_UPDATE))
    before = counts()
    out = io.StringIO()
    call_command("import", "customers", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert counts() == before
    assert not ImportJob.objects.exists()
    assert "pelates.csv: 1 rows, 0 customers created, 1 updated, 0 unchanged, 0 invalid rows." in text
    assert f"Γιώργος Παπαδόπουλος (#{papadopoulos.pk}): Job title / department: — → Manager" in text
    assert "kept: the same name in Greek" in text
    assert "Dry run: nothing was written." in text
    # and the same command without --dry-run writes what it showed
    call_command("import", "customers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    papadopoulos.refresh_from_db()
    assert papadopoulos.job_title == "Manager"


def test_cli_help_lists_every_accepted_column(db: None) -> None:
    from pelatis.customers.importing import CUSTOMER_COLUMNS, ORDER_COLUMNS

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "--help", stdout=out)
    text = importlib.import_module("pelatis.customers.management.commands.import").accepted_columns_help()
    for col in (*CUSTOMER_COLUMNS, *ORDER_COLUMNS):
        assert col.name in text
        for alias in col.aliases:
            assert alias in text


# ---------------------------------------------------------------- undo


def test_undo_puts_back_an_update_and_removes_new_customers(
    db: None, papadopoulos: Customer, agent: Any
) -> None:
    rows = [*LATIN_UPDATE, ["Άννα", "Βλάχου", "anna@example.gr", "", "", ""]]
    terms_before = set(SearchTerm.objects.filter(customer=papadopoulos).values_list("term", flat=True))
    result = run(rows, overwrite=True, by=agent)
    job = ImportJob.objects.get(pk=result.job_id)
    assert Customer.objects.filter(last_name="Βλάχου").exists()
    # when
    done = import_undo(job=job, by=agent)
    # then
    assert (done["customers_deleted"], done["customers_restored"]) == (1, 1)
    papadopoulos.refresh_from_db()
    assert (papadopoulos.title, papadopoulos.job_title) == ("κ.", "")
    assert list(papadopoulos.contact_points.filter(kind="phone").values_list("value", flat=True)) == [
        "+306971234567"
    ]
    assert not Customer.objects.filter(last_name="Βλάχου").exists()
    assert (
        set(SearchTerm.objects.filter(customer=papadopoulos).values_list("term", flat=True)) == terms_before
    )
    job.refresh_from_db()
    assert job.status == "undone"
    assert Interaction.objects.filter(customer=papadopoulos, summary__contains="undone").exists()
    with pytest.raises(ValidationError):  # once only
        import_undo(job=job, by=agent)


def test_undo_is_refused_after_a_later_edit_naming_the_record(
    db: None, papadopoulos: Customer, agent: Any
) -> None:
    result = run(LATIN_UPDATE, by=agent)
    job = ImportJob.objects.get(pk=result.job_id)
    # a colleague edits the customer after the import
    current = Customer.objects.get(pk=papadopoulos.pk)
    customer_update(
        customer=current,
        data=CustomerInput(
            first_name="Γιώργος",
            last_name="Παπαδόπουλος",
            title="κ.",
            job_title="Πρόεδρος",
            emails=["g.papadopoulos@example.gr"],
            phones=["697 123 4567", "697 999 8877"],
            vat_number="094259216",
        ),
    )
    with pytest.raises(ValidationError) as refused:
        import_undo(job=job, by=agent)
    assert "Γιώργος Παπαδόπουλος" in refused.value.messages[0]
    assert "changed after it" in refused.value.messages[0]
    # nothing was undone
    assert Customer.objects.get(pk=papadopoulos.pk).job_title == "Πρόεδρος"
    assert ImportJob.objects.get(pk=job.pk).status == "done"


def test_undo_is_refused_when_a_new_customer_has_records_of_their_own(db: None, agent: Any) -> None:
    result = run([["first_name", "last_name", "email"], ["Άννα", "Βλάχου", "anna@example.gr"]], by=agent)
    job = ImportJob.objects.get(pk=result.job_id)
    anna = Customer.objects.get(last_name="Βλάχου")
    contact_point_add(customer=anna, kind="phone", value="+306970000001")
    with pytest.raises(ValidationError, match="Άννα Βλάχου"):
        import_undo(job=job, by=agent)
    assert Customer.objects.filter(pk=anna.pk).exists()


def test_undo_is_refused_after_30_days(db: None, agent: Any) -> None:
    result = run([["first_name", "last_name"], ["Άννα", "Βλάχου"]], by=agent)
    ImportJob.objects.filter(pk=result.job_id).update(applied_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(ValidationError, match="30 days"):
        import_undo(job=ImportJob.objects.get(pk=result.job_id), by=agent)
    assert Customer.objects.filter(last_name="Βλάχου").exists()


def test_undo_of_orders_deletes_new_ones_and_restores_replaced_ones(
    db: None, papadopoulos: Customer, agent: Any, make_order: Any
) -> None:
    make_order(papadopoulos, "B-1", total="100.00")
    rows = [
        ["reference", "email", "placed_at", "product", "quantity", "unit_price"],
        ["B-1", "g.papadopoulos@example.gr", "2026-03-01 10:00", "Σουίτα", "2", "160"],
        ["B-2", "g.papadopoulos@example.gr", "2026-03-02 10:00", "Σπα", "1", "70"],
    ]
    preview = run(rows, kind="orders", dry_run=True, overwrite=True)
    assert (preview.created, preview.updated) == (1, 1)
    assert {f["field"]: (f["before"], f["after"]) for f in preview.changes[0]["fields"]}["total"] == (
        "100",
        "320",
    )
    result = run(rows, kind="orders", overwrite=True, by=agent)
    assert Order.objects.get(reference="B-1").total == 320
    assert ImportChange.objects.filter(job_id=result.job_id).count() == 2
    import_undo(job=ImportJob.objects.get(pk=result.job_id), by=agent)
    b1 = Order.objects.get(reference="B-1")
    assert (b1.total, b1.lines.count(), b1.lines.get().name) == (Decimal(100), 1, "Προϊόν")
    assert not Order.objects.filter(reference="B-2").exists()
    assert (
        Interaction.objects.get(source_type="customers.order", source_id=str(b1.pk)).summary
        == "Order B-1: €100.00"
    )


def test_the_cli_refuses_a_bad_mapping_argument(db: None, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes([["first_name"], ["Άννα"]]))
    with pytest.raises(CommandError, match="HEADER=FIELD"):
        call_command(
            "import", "customers", str(path), "--map", "Κινητό", stdout=io.StringIO(), stderr=io.StringIO()
        )
