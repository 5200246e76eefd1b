"""Customer import of 100k CSV rows (parse, validate, write, search index) through
import_file(), against raw sqlite3.executemany inserts in the same run: of the
same rows into a plain table, and of every row the import wrote into tables
with the same schema and indexes (the floor of the database work).

Then memory: a 250k-row CSV and crafted XLSX bombs, each imported in a process
of its own (bench/import_memory.py), with the growth of its peak resident memory."""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from faker import Faker

from pelatis.customers.importing import import_file
from pelatis.customers.models import Customer
from pelatis.customers.normalise import phone_normalise

from .common import Report, scale
from .xlsxbomb import shared_strings_bomb, sheet_bomb

COLUMNS = ["external_ref", "first_name", "last_name", "email", "phone", "language", "birthday", "tags"]
TAGS = ["", "", "", "VIP", "Τακτικός", "Newsletter, Tourist", "Οικογένεια"]
WRITTEN_TABLES = [
    "customers_customer",
    "customers_contactpoint",
    "customers_searchterm",
    "customers_interaction",
    "customers_customer_tags",
]


def _pools() -> tuple[list[str], list[str], list[str], list[str]]:
    el, others = Faker("el_GR"), [Faker(loc) for loc in ("de_DE", "it_IT", "en_GB", "fr_FR")]
    el.seed_instance(11)
    for i, f in enumerate(others):
        f.seed_instance(12 + i)
    greek_first = sorted({el.first_name() for _ in range(2000)})
    greek_last = sorted({el.last_name() for _ in range(4000)})
    latin_first = sorted({f.first_name() for f in others for _ in range(500)})
    latin_last = sorted({f.last_name() for f in others for _ in range(1000)})
    return greek_first, greek_last, latin_first, latin_last


def generate(path: Path, n: int) -> None:
    """n deterministic rows, 70 % Greek, as a Greek Excel user saves them: UTF-8 with BOM, ';'."""
    rng = random.Random(2026)
    gf, gl, lf, ll = _pools()
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(COLUMNS)
        for i in range(n):
            greek = rng.random() < 0.7
            first, last = (rng.choice(gf), rng.choice(gl)) if greek else (rng.choice(lf), rng.choice(ll))
            unique = (i * 7919) % 10**8  # distinct for every row
            if greek:
                digits = f"69{unique:08d}"
                phone = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
            else:
                phone = f"+49 151 {unique:08d}"
            if rng.random() < 0.1:
                phone = ""
            birthday = (
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1945, 2005)}"
                if rng.random() < 0.6
                else ""
            )
            writer.writerow(
                [
                    f"C{i:07d}",
                    first,
                    last,
                    f"user{i}@example.{'gr' if greek else 'com'}",
                    phone,
                    "el" if greek else rng.choice(["en", "de", "it", "fr"]),
                    birthday,
                    rng.choice(TAGS),
                ]
            )


def _sqlite(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def raw_same_rows(path: Path, work: Path) -> float:
    """Seconds to executemany the file's rows into a plain table with the same columns."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    db = _sqlite(work / "raw-rows.sqlite3")
    db.execute(f"CREATE TABLE customer (id INTEGER PRIMARY KEY AUTOINCREMENT, {', '.join(COLUMNS)})")
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(
        f"INSERT INTO customer ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows
    )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def raw_written_rows(work: Path) -> tuple[float, int]:
    """Seconds to executemany every row the import wrote into the same tables and indexes; and the row count."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        schema = [
            (t, name, table, sql) for t, name, table, sql in cursor.fetchall() if table in WRITTEN_TABLES
        ]
        data = {}
        for table in WRITTEN_TABLES:
            cursor.execute(f"SELECT * FROM {table}")
            data[table] = cursor.fetchall()
    db = _sqlite(work / "raw-written.sqlite3")
    for kind in ("table", "index"):
        for t, _name, _table, sql in schema:
            if t == kind:
                db.execute(sql.replace('REFERENCES "', 'REFERENCES "x_'))  # no foreign tables here
    started = time.perf_counter()
    db.execute("BEGIN")
    for table, rows in data.items():
        if rows:
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed, sum(len(rows) for rows in data.values())


def run(report: Report, work: Path) -> None:
    call_command("migrate", verbosity=0)
    n = scale(100_000)
    path = work / "customers.csv"
    generate(path, n)
    phone_normalise("6900000000")  # load phonenumbers' metadata outside the timing
    started = time.perf_counter()
    with path.open("rb") as source:
        result = import_file(source=source, file_name=path.name, kind="customers")
    elapsed = time.perf_counter() - started
    if not result.written or result.created != n or Customer.objects.count() != n:
        raise RuntimeError(f"import went wrong: {result.created} of {n} created; {result.errors[:5]}")
    raw = raw_same_rows(path, work)
    floor, written = raw_written_rows(work)
    for name in ("raw-rows.sqlite3", "raw-written.sqlite3", path.name):
        for extra in ("", "-wal", "-shm"):
            (work / f"{name}{extra}").unlink(missing_ok=True)
    rate = n / elapsed
    report.add(
        "import",
        f"{n:,} customer rows (CSV → DB + search index)",
        f"{rate:,.0f} rows/s ({elapsed:.2f} s)",
        reference=f"raw executemany of the rows: {n / raw:,.0f} rows/s ({raw:.2f} s)",
        ratio=f"{elapsed / raw:.1f}×",
        target="≥ 25,000 rows/s, ≤ 4×",
    )
    phases = ", ".join(
        f"{name} {seconds:.2f}" for name, seconds in result.timings.items() if seconds >= 0.005
    )
    report.add("import", "where the time goes (s)", phases)
    report.add(
        "import",
        f"same, against raw insert of all {written:,} rows it wrote",
        f"{elapsed:.2f} s",
        reference=f"raw executemany, same tables and indexes: {floor:.2f} s",
        ratio=f"{elapsed / floor:.1f}×",
        target="(database floor, for reading the figure above)",
    )
    memory(report, work)


def _in_a_process(work: Path, kind: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "PELATIS_DATA_DIR": str(work / "memory")}
    env.pop("PELATIS_DATABASE_URL", None)
    if not (work / "memory").exists():
        subprocess.run([sys.executable, "-m", "bench.import_memory", "--migrate"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_memory", kind, str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def memory(report: Report, work: Path) -> None:
    """Peak memory growth of a process importing a big CSV, and XLSX files that unpack far beyond their size."""
    n = scale(250_000)
    path = work / "customers-250k.csv"
    generate(path, n)
    got = _in_a_process(work, "customers", path)
    report.add(
        "import memory",
        f"{n:,}-row CSV ({path.stat().st_size / 2**20:.0f} MB), peak RSS growth",
        f"{got['growth_mb']} MB",
        reference=f"{got['created']:,} created in {got['seconds']} s",
        target="< 400 MB",
    )
    for name, make, mb in (
        ("sheet that unpacks to 300 MB", sheet_bomb, 300),
        ("one row that unpacks to 30 MB", sheet_bomb, 30),
        ("30 MB of shared strings", shared_strings_bomb, 30),
    ):
        bomb = work / f"bomb-{mb}.xlsx"
        make(bomb, mb)
        got = _in_a_process(work, "customers", bomb)
        outcome = (
            "refused: " + str(got["errors"][0])[:60]
            if not got["written"]
            else f"imported {got['total']} rows"
        )
        report.add(
            "import memory",
            f"XLSX of {bomb.stat().st_size / 1024:,.0f} KB, {name}",
            f"{got['growth_mb']} MB",
            reference=outcome,
            target="< 400 MB",
        )
        bomb.unlink()
