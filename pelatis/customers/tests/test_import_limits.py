"""Imports hold bounded memory: files are read in pieces, XLSX files that unpack too far or hold
absurd rows are refused with an error naming the limit, and so are files of too many rows."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.xlsxbomb import sheet_bomb
from pelatis.customers.importing import import_file
from pelatis.customers.models import Customer, ImportJob

ROOT = Path(__file__).resolve().parents[3]


class RecordingFile(io.BytesIO):
    """A file that remembers the largest single read made from it."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data


def test_a_csv_is_read_in_pieces_never_whole(db: None) -> None:
    rows = "".join(f"Όνομα{i},Επώνυμο{i},user{i}@example.com\n" for i in range(150_000))
    data = ("first_name,last_name,email\n" + rows).encode("utf-8")
    assert len(data) > 6 * 2**20
    source = RecordingFile(data)
    result = import_file(source=source, file_name="big.csv", kind="customers", progress=None)
    assert result.total == 150_000
    assert source.largest <= 2**20  # a piece at a time (the old reader took the whole file in one read)


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_naming_the_limit(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.PELATIS_IMPORT_MAX_EXPANDED_BYTES = 4 * 2**20
    bomb = tmp_path / "bomb.xlsx"
    sheet_bomb(bomb, 6)
    assert bomb.stat().st_size < 100_000
    with bomb.open("rb") as f:
        result = import_file(source=f, file_name=bomb.name, kind="customers")
    assert not result.written
    assert "PELATIS_IMPORT_MAX_EXPANDED_BYTES" in result.errors[0].message
    assert "4 MB" in result.errors[0].message
    assert not Customer.objects.exists()
    assert ImportJob.objects.get().status == "rejected"


def test_an_xlsx_row_of_too_many_cells_is_refused_before_it_is_read(db: None, tmp_path: Path) -> None:
    bomb = tmp_path / "wide.xlsx"
    sheet_bomb(bomb, 3)  # within the size limit, but one row of ~80,000 cells
    with bomb.open("rb") as f:
        result = import_file(source=f, file_name=bomb.name, kind="customers")
    assert not result.written
    assert result.errors[0].message.startswith("Row 2 of the sheet has more than 1000 cells")
    assert not Customer.objects.exists()


def test_a_file_of_too_many_rows_is_refused_naming_the_limit(db: None, settings: Any) -> None:
    settings.PELATIS_IMPORT_MAX_ROWS = 3
    data = "first_name,last_name\n" + "".join(f"Άννα,Παππά{i}\n" for i in range(4))
    result = import_file(source=io.BytesIO(data.encode()), file_name="x.csv", kind="customers")
    assert not result.written
    assert "more than 3 rows" in result.errors[0].message
    assert "PELATIS_IMPORT_MAX_ROWS" in result.errors[0].message
    assert not Customer.objects.exists()
    ok = "first_name,last_name\n" + "".join(f"Άννα,Παππά{i}\n" for i in range(3))
    assert import_file(source=io.BytesIO(ok.encode()), file_name="x.csv", kind="customers").created == 3


def _import_in_a_process(tmp_path: Path, kind: str, path: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "PELATIS_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "pelatis.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PELATIS_DATABASE_URL", None)  # the embedded SQLite set-up, whatever the suite runs on
    for name in [n for n in env if n.startswith("PELATIS_IMPORT_")]:
        env.pop(name)
    if not (tmp_path / "data").exists():
        subprocess.run(
            [sys.executable, "-m", "bench.import_memory", "--migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_memory", kind, str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_xlsx_bombs_cost_a_process_little_memory(tmp_path: Path) -> None:
    # A 1 MB file that unpacks to 300 MB: refused unread, with the default limits.
    bomb = tmp_path / "bomb.xlsx"
    sheet_bomb(bomb, 300)
    refused = _import_in_a_process(tmp_path, "customers", bomb)
    assert refused["written"] is False
    assert "PELATIS_IMPORT_MAX_EXPANDED_BYTES" in refused["errors"][0]
    assert refused["growth_mb"] < 100
    # A 100 KB file that unpacks to 30 MB, all in one row: refused too, and memory stays bounded.
    small = tmp_path / "small-bomb.xlsx"
    sheet_bomb(small, 30)
    assert small.stat().st_size < 150_000
    wide = _import_in_a_process(tmp_path, "customers", small)
    assert wide["written"] is False
    assert wide["growth_mb"] < 400  # a memory bound, not a timing
