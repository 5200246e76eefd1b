"""The loaded database the dashboard benchmark runs on: generated into the migrated SQLite file with its
secondary indexes dropped during the load, or copied from the cache of an earlier run the same day."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from .commerce_data import load_customer_values, load_customers, load_orders
from .service_data import load_csat, load_nps, load_reviews, load_tickets

GENERATOR_VERSION = 2
LOADED_TABLES = (
    "customers_customer",
    "customers_order",
    "customers_orderline",
    "helpdesk_ticket",
    "feedback_csatsurvey",
    "feedback_npsresponse",
    "feedback_review",
    "analytics_customervalue",
)
COUNTED_TABLES = {
    "customers": "customers_customer",
    "orders": "customers_order",
    "order lines": "customers_orderline",
    "tickets": "helpdesk_ticket",
    "CSAT surveys": "feedback_csatsurvey",
    "NPS responses": "feedback_npsresponse",
    "reviews": "feedback_review",
}


def build(
    n_customers: int, n_orders_target: int, n_lines_target: int, n_tickets: int, today: dt.date
) -> dict[str, int]:
    """Fill the real tables; returns the row counts."""
    rng = np.random.default_rng(20260)
    today_end = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59, 59))).timestamp()
    now = min(float(timezone.now().timestamp()), float(today_end))
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-1000000")
    indexes: dict[str, str] = {}
    for name, sql in raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({', '.join('?' * len(LOADED_TABLES))})",
        LOADED_TABLES,
    ).fetchall():
        indexes[name] = sql
        raw.execute(f'DROP INDEX "{name}"')

    first_at = load_customers(raw, rng, n_customers, now)
    orders = load_orders(raw, rng, first_at, now, n_orders_target, n_lines_target)
    load_customer_values(raw, rng, orders, n_customers, now)
    tickets = load_tickets(raw, rng, n_tickets, n_customers, now)
    surveys = load_csat(raw, rng, tickets, now)
    asked = load_nps(raw, rng, n_customers, now)
    reviews = load_reviews(raw, rng, n_customers, now)

    for sql in indexes.values():
        raw.execute(sql)
    raw.execute("ANALYZE")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "customers": n_customers,
        "orders": int(orders.owner.size),
        "order lines": orders.lines,
        "tickets": n_tickets,
        "CSAT surveys": surveys,
        "NPS responses": asked,
        "reviews": reviews,
    }


def _counts() -> dict[str, int]:
    with connection.cursor() as cur:
        out = {}
        for label, table in COUNTED_TABLES.items():
            cur.execute(f"SELECT MAX(id) FROM {table}")  # ids are dense: cheaper than COUNT(*)
            row = cur.fetchone()
            out[label] = int(row[0] or 0) if row else 0
    return out


def _cache_key(sizes: tuple[int, ...], today: dt.date) -> str:
    base = Path(settings.BASE_DIR)
    migrations = sorted(str(p.relative_to(base)) for p in base.glob("*/migrations/0*.py"))
    digest = hashlib.sha256(
        repr((GENERATOR_VERSION, sizes, today.isoformat(), migrations)).encode()
    ).hexdigest()
    return f"dashboard-{today.isoformat()}-{'-'.join(map(str, sizes))}-{digest[:10]}.sqlite3"


def prepare(sizes: tuple[int, int, int, int], today: dt.date) -> tuple[dict[str, int], float, str]:
    """A loaded database at settings' path: from the cache, or migrated and built (then cached)."""
    db_path = Path(str(settings.DATABASES["default"]["NAME"]))
    cache_dir = os.environ.get("PELATIS_BENCH_CACHE", "/tmp/pelatis-bench-cache")
    cached = (
        None if cache_dir.lower() in ("", "off", "0", "no") else Path(cache_dir) / _cache_key(sizes, today)
    )
    started = time.perf_counter()
    if cached is not None and cached.exists():
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(cached, db_path)
        return _counts(), time.perf_counter() - started, f"copied from {cached}"
    call_command("migrate", verbosity=0)
    counts = build(*sizes, today=today)
    connection.close()  # the benchmark then runs on a connection with the ordinary settings
    how = "generated"
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db_path, f"{cached}.part")
        os.replace(f"{cached}.part", cached)
        how += f", cached at {cached}"
    return counts, time.perf_counter() - started, how
