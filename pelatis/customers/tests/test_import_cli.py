"""`pelatis import` and `pelatis export` as a user runs them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from pelatis.customers.models import Customer, ImportJob, Order

GOOD = "Όνομα;Επώνυμο;Email;Κινητό;Χόμπι\r\nΆννα;Ζαΐμη;anna@example.gr;6971234567;σκάκι\r\nΝίκος;Ρήγας;;;\r\n"
BAD = "Όνομα;Επώνυμο;Email\r\nΆννα;Ζαΐμη;anna@example.gr\r\nΜαρία;;όχι-email\r\n;Κακός;x@\r\n"


def call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_import_prints_a_summary_and_warnings(db: None, tmp_path: Path) -> None:
    out, _err = call("import", "customers", str(write(tmp_path / "pelates.csv", GOOD, "cp1253")))
    assert "pelates.csv: 2 rows, 2 customers created, 0 updated, 0 unchanged, 0 invalid rows." in out
    assert "Χόμπι: Unknown column, ignored." in out
    assert Customer.objects.count() == 2
    assert Customer.objects.get(first_name="Άννα").last_name == "Ζαΐμη"


def test_rejected_import_exits_non_zero_shows_errors_and_writes_the_report(db: None, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError, match="rejected"):
        call("import", "customers", str(write(tmp_path / "bad.csv", BAD)), "--report", str(report))
    assert Customer.objects.count() == 0
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["row", "column", "message", "level"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [("3", "Email", "error"), ("4", "Email", "error")]
    assert "όχι-email" in rows[1][2]
    assert ImportJob.objects.get().status == ImportJob.Status.REJECTED


def test_error_table_is_printed(db: None, tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "customers", str(write(tmp_path / "bad.csv", BAD)), stdout=out, stderr=io.StringIO()
        )
    text = out.getvalue()
    assert "Errors" in text
    assert "όχι-email" in text
    assert "0 customers created" in text


def test_skip_invalid_imports_the_rest_and_exits_zero(db: None, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    out, _err = call(
        "import",
        "customers",
        str(write(tmp_path / "bad.csv", BAD)),
        "--skip-invalid",
        "--report",
        str(report),
    )
    assert "1 customers created" in out
    assert list(Customer.objects.values_list("first_name", flat=True)) == ["Άννα"]
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == 3


def test_orders_import(db: None, tmp_path: Path, papadopoulos: Customer) -> None:
    text = (
        "Αριθμός παραγγελίας\tΤηλέφωνο\tΗμερομηνία\tΠροϊόν\tΠοσότητα\tΤιμή\r\n"
        "Π-1\t697 123 4567\t12/04/2026\tΜέλι\t2\t9,80\r\n"
        "Π-1\t697 123 4567\t12/04/2026\tΛάδι\t1\t12,50\r\n"
    )
    out, _err = call("import", "orders", str(write(tmp_path / "orders.tsv", text, "iso8859_7")))
    assert "1 orders created" in out
    assert Order.objects.get().total == Decimal("32.10")


def test_missing_file_is_a_command_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot open"):
        call("import", "customers", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize(
    ("name", "args"),
    [("out.csv", ()), ("out.csv", ("--no-bom",)), ("out.xlsx", ()), ("out.data", ("--format", "xlsx"))],
)
def test_export_command(
    db: None, tmp_path: Path, papadopoulos: Customer, name: str, args: tuple[str, ...]
) -> None:
    path = tmp_path / name
    out, _err = call("export", "customers", str(path), *args)
    assert f"Exported 1 customers to {path}." in out
    data = path.read_bytes()
    if name.endswith(".csv"):
        assert data.startswith(b"\xef\xbb\xbf") == ("--no-bom" not in args)
        assert "Παπαδόπουλος".encode() in data
    else:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        assert list(sheet.iter_rows(values_only=True))[1][4] == "Γιώργος"


def test_export_then_import_through_the_cli(db: None, tmp_path: Path, papadopoulos: Customer) -> None:
    path = tmp_path / "all.csv"
    call("export", "customers", str(path))
    out, _err = call("import", "customers", str(path))
    assert "0 customers created, 0 updated, 1 unchanged" in out
    assert Customer.objects.count() == 1
