"""Bought together over 10M order lines: the lift table of ``pelatis.engagement.recommend`` (one streamed
read of the sold lines from SQLite, a sparse basket × product matrix product) against DuckDB computing the
same table with SQL (a self-join of the lines on the basket, grouped by pair) in the same run.

* Data: 3M orders with 1 to 8 lines (10M lines) over 4,000 products of Zipf-like popularity, a third of
  the baskets carrying a product's "accessory" as well, so lift has something to find; seeded numpy,
  bulk-inserted into the migrated SQLite file, kept under ``$PELATIS_BENCH_CACHE`` (default
  ``/tmp/pelatis-bench-cache``; ``off`` disables it) keyed by scale and generator version.
* Ours: ``pairs_compute`` (read + matrix + threshold) after a warm-up, timed end to end, and
  ``lift_table`` once.
* DuckDB (in-memory, default threads): the lines' basket and product copied into a DuckDB table (not
  timed), the same pairs with the same minimum support computed in SQL (median of 3 runs after a
  warm-up). Every pair, count and lift is compared.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from pelatis.engagement.recommend import lift_table, pairs_compute

from .common import Report, scale
from .dashboard.common import insert, ts

GENERATOR_VERSION = 1
N_PRODUCTS = 4000
MIN_SUPPORT = 0.0001
TARGET_RATIO = 3.0
DUCK_RUNS = 3


def _generate(raw: Any, n_orders: int, n_lines_target: int) -> int:
    rng = np.random.default_rng(7)
    mean = n_lines_target / n_orders
    sizes = np.clip(rng.poisson(mean - 1, n_orders) + 1, 1, 8).astype(np.int64)
    n_lines = int(sizes.sum())
    order_of_line = np.repeat(np.arange(1, n_orders + 1, dtype=np.int64), sizes)
    weights = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.9
    products = rng.choice(N_PRODUCTS, size=n_lines, p=weights / weights.sum())
    # A third of the baskets with two lines or more carry the first product's accessory as their second.
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    paired = (sizes >= 2) & (rng.random(n_orders) < 0.33)
    products[starts[paired] + 1] = (products[starts[paired]] * 7 + 1) % N_PRODUCTS
    skus = np.array([f"SKU-{i:05d}" for i in range(N_PRODUCTS)], dtype=object)
    names = np.array([f"Προϊόν {i}" for i in range(N_PRODUCTS)], dtype=object)
    placed = 1.7e9 - rng.random(n_orders) * 3 * 365 * 86400
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute(
        "INSERT INTO customers_customer (id, kind, category, first_name, last_name, company_name, "
        "display_name, job_title, title, formal, language, time_zone, preferred_channel, name_day_name, "
        "vat_number, notes, sort_name, name_key, created_at, updated_at) VALUES "
        "(1, 'person', 'external', 'Bench', '', '', 'Bench', '', '', 1, 'el', 'Europe/Athens', 'email', "
        "'', '', '', 'bench', 'bench', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
    )

    def order_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        when = ts(placed[a:b])
        return [
            (i + 1, 1, f"B-{i + 1}", when[i - a], "EUR", "paid", "", "0", when[i - a]) for i in range(a, b)
        ]

    def line_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        chosen = products[a:b]
        return list(
            zip(
                range(a + 1, b + 1),
                order_of_line[a:b].tolist(),
                skus[chosen].tolist(),
                names[chosen].tolist(),
                ["Κατηγορία"] * (b - a),
                ["1"] * (b - a),
                ["10"] * (b - a),
                strict=True,
            )
        )

    insert(
        raw,
        "customers_order",
        [
            "id",
            "customer_id",
            "reference",
            "placed_at",
            "currency",
            "status",
            "channel",
            "total",
            "created_at",
        ],
        order_rows,
        n_orders,
    )
    insert(
        raw,
        "customers_orderline",
        ["id", "order_id", "sku", "name", "category", "quantity", "unit_price"],
        line_rows,
        n_lines,
    )
    return n_lines


def _prepare(n_orders: int, n_lines: int) -> str:
    db_path = Path(str(settings.DATABASES["default"]["NAME"]))
    cache_dir = os.environ.get("PELATIS_BENCH_CACHE", "/tmp/pelatis-bench-cache")
    migrations = sorted(
        str(p.relative_to(settings.BASE_DIR)) for p in Path(settings.BASE_DIR).glob("*/migrations/0*.py")
    )
    digest = hashlib.sha256(repr((GENERATOR_VERSION, n_orders, n_lines, migrations)).encode()).hexdigest()[
        :10
    ]
    cached = (
        None
        if cache_dir.lower() in ("", "off", "0", "no")
        else Path(cache_dir) / f"recommend-{n_orders}-{n_lines}-{digest}.sqlite3"
    )
    if cached is not None and cached.exists():
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(cached, db_path)
        return f"copied from {cached}"
    call_command("migrate", verbosity=0)
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    _generate(raw, n_orders, n_lines)
    raw.execute("ANALYZE")
    connection.close()
    if cached is None:
        return "generated"
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_path, f"{cached}.part")
    os.replace(f"{cached}.part", cached)
    return f"generated, cached at {cached}"


DUCK_SQL = """
WITH items AS (
    SELECT DISTINCT l.order_id AS basket, COALESCE(NULLIF(l.sku, ''), l.name) AS item
    FROM lines l JOIN orders o ON o.id = l.order_id WHERE o.status IN ('placed', 'paid', 'fulfilled')
),
n AS (SELECT COUNT(DISTINCT basket) AS n FROM items),
freq AS (SELECT item, COUNT(*) AS c FROM items GROUP BY item),
pairs AS (
    SELECT a.item AS a, b.item AS b, COUNT(*) AS together
    FROM items a JOIN items b ON a.basket = b.basket AND a.item < b.item
    GROUP BY a.item, b.item
)
SELECT p.a, p.b, p.together, p.together * n.n / (fa.c * fb.c) AS lift
FROM pairs p JOIN freq fa ON fa.item = p.a JOIN freq fb ON fb.item = p.b CROSS JOIN n
WHERE p.together >= GREATEST(2, CEIL($min_support * n.n))
"""


def _duck() -> Any:
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT order_id, sku, name FROM customers_orderline")
        columns = list(zip(*cursor.fetchall(), strict=True))
        # DuckDB 1.4 does not know pandas 3's "str" dtype: the text columns go in as objects.
        lines = pd.DataFrame(
            {
                "order_id": np.asarray(columns[0], dtype=np.int64),
                "sku": pd.Series(columns[1], dtype=object),
                "name": pd.Series(columns[2], dtype=object),
            }
        )
        del columns
        cursor.execute("SELECT id, status FROM customers_order")
        columns = list(zip(*cursor.fetchall(), strict=True))
        orders = pd.DataFrame(
            {"id": np.asarray(columns[0], dtype=np.int64), "status": pd.Series(columns[1], dtype=object)}
        )
    con.execute("CREATE TABLE lines AS SELECT * FROM lines")
    con.execute("CREATE TABLE orders AS SELECT * FROM orders")
    del lines, orders
    return con


def run(report: Report, work: Path) -> None:
    n_orders, n_lines_target = scale(3_000_000), scale(10_000_000)
    how = _prepare(n_orders, n_lines_target)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_orderline")
        n_lines = cursor.fetchone()[0]
    report.add("recommend", "data", f"{n_orders:,} orders, {n_lines:,} lines ({how})")

    pairs_compute(
        min_support=MIN_SUPPORT, min_together=2
    )  # warm-up (the file's pages into the OS cache), as DuckDB gets
    started = time.perf_counter()
    ours = pairs_compute(min_support=MIN_SUPPORT, min_together=2)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    table = lift_table(min_support=MIN_SUPPORT, min_together=2)
    table_s = time.perf_counter() - started

    con = _duck()
    con.execute(DUCK_SQL, {"min_support": MIN_SUPPORT}).fetchall()  # warm-up
    samples = []
    for _ in range(DUCK_RUNS):
        started = time.perf_counter()
        theirs = con.execute(DUCK_SQL, {"min_support": MIN_SUPPORT}).fetchall()
        samples.append(time.perf_counter() - started)
    duck_s = statistics.median(samples)

    mine = {
        tuple(sorted((ours.items[a], ours.items[b]))): (t, lift)
        for a, b, t, lift in zip(
            ours.a.tolist(), ours.b.tolist(), ours.together.tolist(), ours.lift().tolist(), strict=True
        )
    }
    duck = {(a, b): (int(t), float(lift)) for a, b, t, lift in theirs}
    mismatches = [
        k
        for k in set(mine) | set(duck)
        if k not in mine
        or k not in duck
        or mine[k][0] != duck[k][0]
        or abs(mine[k][1] - duck[k][1]) > 1e-9 * max(1.0, duck[k][1])
    ]
    report.add(
        "recommend",
        "pairs (min support 0.01 %)",
        f"{len(mine):,}",
        reference=f"DuckDB {len(duck):,}",
        ratio=f"{len(mismatches)} mismatches",
        target="0 mismatches",
    )
    report.add(
        "recommend",
        "lift table over the lines",
        f"{ours_s:.2f} s",
        reference=f"DuckDB {duck_s:.2f} s",
        ratio=f"{ours_s / duck_s:.1f}×",
        target=f"≤ {TARGET_RATIO:.0f}×",
    )
    report.add(
        "recommend",
        "lift_table (partners per product, kept in the cache)",
        f"{table_s:.2f} s",
        reference=f"{len(table.partners):,} products with partners",
    )
