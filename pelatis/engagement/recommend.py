"""Bought X → also Y: products bought together, ranked by lift, and each customer's top suggestions.

A *basket* is one order (or, with ``basket="customer"``, everything one customer bought within the same
window of ``window_days``). For products A and B over n baskets:

* support(A, B) = baskets with both / n,
* lift(A, B) = P(A ∧ B) / (P(A) · P(B)) = both · n / (with A · with B).

A pair counts when it reaches the minimum support and the minimum number of baskets. The table is
computed with one read of the order lines and a sparse matrix product (baskets × products, transposed
times itself), never a loop over baskets, and kept in the shared cache by the worker's
``recommendations`` job; pages and journeys read it from there. A product is its SKU, or its name when
it has no SKU.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from pelatis.customers.models import Order, OrderLine

CACHE_KEY = "engagement:recommend:table:v1"
CACHE_SECONDS = 2 * 24 * 3600
PARTNERS_KEPT = 25  # partners kept per product in the cached table
SOLD = (Order.Status.PLACED, Order.Status.PAID, Order.Status.FULFILLED)


@dataclass(frozen=True)
class Pair:
    product: str  # the other product's key (SKU or name)
    name: str
    together: int  # baskets with both
    support: float
    lift: float


@dataclass
class LiftTable:
    baskets: int
    names: dict[str, str] = field(default_factory=dict)  # product key → a display name
    counts: dict[str, int] = field(default_factory=dict)  # product key → baskets with it
    partners: dict[str, list[Pair]] = field(default_factory=dict)  # best lift first
    computed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Pairs:
    """The raw pair arrays (each unordered pair once, a < b), for tests and the benchmark."""

    items: list[str]
    names: list[str]
    a: npt.NDArray[np.int64]
    b: npt.NDArray[np.int64]
    together: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]  # baskets with each item
    baskets: int

    def lift(self) -> npt.NDArray[np.float64]:
        return (
            self.together * float(self.baskets) / (self.count[self.a] * self.count[self.b]).astype(np.float64)
        )


CHUNK = 500_000  # rows fetched at a time: memory stays bounded however many lines there are


@dataclass
class _Read:
    """The sold lines as codes: one basket code and one product code per line, and the line id where
    each product was first seen (its display name is read from that line afterwards)."""

    baskets: list[npt.NDArray[np.int64]] = field(default_factory=list)
    products: list[npt.NDArray[np.int64]] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    first_line: dict[int, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # when the reader found them with the codes


MAX_CODED = 5000  # up to this many products, the database codes them (two bound values each)
PRODUCT_KEY = "COALESCE(NULLIF(l.sku, ''), l.name)"


def _read_coded() -> _Read | None:
    """Every line's order and product code, coded by the database: the distinct products are read first
    (with a name each), then the lines come back as two integers each, joined to the codes. None when
    there are too many products for the bound values (the general reader then codes them)."""
    line = OrderLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {PRODUCT_KEY}, l.name FROM {line} l")  # noqa: S608 — table name from the model
        named = cursor.fetchall()
        read = _Read()
        for key, name in named:
            if key not in read.index:
                read.index[key] = len(read.index)
                read.names.append(name)
        if len(read.index) > MAX_CODED:
            return None
        if not read.index:
            return read
        values = ", ".join(["(%s, %s)"] * len(read.index))
        params = [value for key, code in read.index.items() for value in (key, code)]
        cursor.execute(
            f"WITH p(k, c) AS (VALUES {values}) "  # noqa: S608 — placeholders only; table name from the model
            f"SELECT l.order_id, p.c FROM {line} l JOIN p ON p.k = {PRODUCT_KEY}",
            params,
        )
        while rows := cursor.fetchmany(CHUNK):
            both = np.array(rows, dtype=np.int64)
            read.baskets.append(both[:, 0])
            read.products.append(both[:, 1])
    return read


def _read(since: dt.datetime | None, basket: str, window_days: int) -> _Read:
    """Every sold line's basket and product, streamed in chunks and coded as integers."""
    if basket == "order" and since is None:
        coded = _read_coded()
        if coded is not None:
            return coded
    line, order = OrderLine._meta.db_table, Order._meta.db_table
    params: list[Any] = []
    if basket == "order" and since is None:
        # Every line in table order (a sequential scan, no join); lines of orders not sold are
        # dropped afterwards by their order id (there are few such orders).
        sql = f"SELECT l.id, COALESCE(NULLIF(l.sku, ''), l.name), l.order_id FROM {line} l"  # noqa: S608 — table names from the models
    else:
        marks = ", ".join(["%s"] * len(SOLD))
        where = f"o.status IN ({marks})"
        params = list(SOLD)
        if since is not None:
            where += " AND o.placed_at >= %s"
            params.append(connection.ops.adapt_datetimefield_value(since))
        basket_sql = "o.customer_id, o.placed_at" if basket == "customer" else "l.order_id"
        sql = (
            f"SELECT l.id, COALESCE(NULLIF(l.sku, ''), l.name), {basket_sql} "  # noqa: S608 — table names from the models, values bound
            f"FROM {line} l JOIN {order} o ON o.id = l.order_id WHERE {where}"
        )
    read = _Read()
    index = read.index
    window = dt.timedelta(days=max(window_days, 1)).total_seconds()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            columns = list(zip(*rows, strict=True))
            before = len(index)
            codes = np.fromiter(
                (index.setdefault(key, len(index)) for key in columns[1]), dtype=np.int64, count=len(rows)
            )
            if len(index) > before:  # products seen for the first time in this chunk: where
                fresh = np.flatnonzero(codes >= before)
                for position in fresh.tolist():
                    read.first_line.setdefault(int(codes[position]), int(columns[0][position]))
            read.products.append(codes)
            if basket == "customer":
                # one basket per customer and window: the customer id and the window's number in one integer
                keys = [
                    int(c) * 1_000_000 + int(_epoch(at) // window)
                    for c, at in zip(columns[2], columns[3], strict=True)
                ]
                read.baskets.append(np.asarray(keys, dtype=np.int64))
            else:
                read.baskets.append(np.asarray(columns[2], dtype=np.int64))
    return read


def _names(read: _Read) -> list[str]:
    """A display name per product: the name on the line where it was first seen (one indexed read)."""
    if read.names:
        return read.names
    names = [""] * len(read.index)
    ids = list(read.first_line.values())
    by_line: dict[int, str] = {}
    for start in range(0, len(ids), 900):  # under SQLite's limit on bound values
        rows = OrderLine.objects.filter(pk__in=ids[start : start + 900]).values_list("pk", "name")
        by_line.update(dict(rows))
    for code, line_id in read.first_line.items():
        names[code] = by_line.get(line_id, "")
    return names


def _epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC).timestamp()


def pairs_compute(
    *,
    min_support: float = 0.0005,
    min_together: int = 2,
    since: dt.datetime | None = None,
    basket: str = "order",
    window_days: int = 30,
) -> Pairs:
    """Every pair of products bought together at least ``min_together`` times and in at least
    ``min_support`` of the baskets."""
    read = _read(since, basket, window_days)
    items = list(read.index)
    empty = np.zeros(0, dtype=np.int64)
    if not read.products:
        return Pairs(items, [], empty, empty, empty, empty, 0)
    item_codes = np.concatenate(read.products)
    raw_baskets = np.concatenate(read.baskets)
    if basket == "order" and since is None:
        unsold = np.fromiter(
            Order.objects.exclude(status__in=SOLD).order_by().values_list("pk", flat=True).iterator(),
            dtype=np.int64,
        )
        if len(unsold):
            sold = ~np.isin(raw_baskets, unsold)
            item_codes, raw_baskets = item_codes[sold], raw_baskets[sold]
        if not len(item_codes):
            return Pairs(items, [], empty, empty, empty, np.zeros(len(items), dtype=np.int64), 0)
    # Basket ids (order ids) as consecutive rows of the matrix.
    _unique, basket_codes = np.unique(raw_baskets, return_inverse=True)
    n_baskets, n_items = len(_unique), len(items)
    matrix = sp.csr_matrix(
        (np.ones(len(item_codes), dtype=np.int64), (basket_codes.ravel(), item_codes)),
        shape=(n_baskets, n_items),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1  # a basket has a product or not, whatever the quantity or the number of lines
    count = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    together = sp.triu(matrix.T.tocsr() @ matrix, k=1).tocoo()
    threshold = max(min_together, math.ceil(min_support * n_baskets))
    keep = together.data >= threshold
    return Pairs(
        items,
        _names(read),
        together.row[keep].astype(np.int64),
        together.col[keep].astype(np.int64),
        together.data[keep].astype(np.int64),
        count,
        n_baskets,
    )


def lift_table(**options: Any) -> LiftTable:
    """The pairs as a look-up table: for each product its partners, best lift first (then most baskets)."""
    pairs = pairs_compute(**options)
    lift = pairs.lift()
    table = LiftTable(baskets=pairs.baskets, computed_at=timezone.now())
    table.names = dict(zip(pairs.items, pairs.names, strict=True))
    table.counts = dict(zip(pairs.items, pairs.count.tolist(), strict=True))
    # Both directions, sorted once by (product, -lift, -together).
    src = np.concatenate([pairs.a, pairs.b])
    dst = np.concatenate([pairs.b, pairs.a])
    both = np.concatenate([pairs.together, pairs.together])
    lifts = np.concatenate([lift, lift])
    order = np.lexsort((-both, -lifts, src))
    n = float(pairs.baskets) or 1.0
    for s, d, t, value in zip(
        src[order].tolist(), dst[order].tolist(), both[order].tolist(), lifts[order].tolist(), strict=True
    ):
        partners = table.partners.setdefault(pairs.items[s], [])
        if len(partners) < PARTNERS_KEPT:
            partners.append(Pair(pairs.items[d], pairs.names[d], t, t / n, value))
    return table


def recommendations_refresh(**options: Any) -> LiftTable:
    """Compute the table and keep it in the shared cache for pages, journeys and campaigns."""
    table = lift_table(**options)
    cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def cached_table() -> LiftTable:
    """The kept table, computed now when the cache has none."""
    table = cache.get(CACHE_KEY)
    return table if isinstance(table, LiftTable) else recommendations_refresh()


def top_pairs(product: str, *, limit: int = 10, table: LiftTable | None = None) -> list[Pair]:
    """The products most often bought with ``product`` (its SKU, or its name), best lift first."""
    table = table or cached_table()
    return (table.partners.get(product) or [])[:limit]


def owned_products(customer_id: int) -> set[str]:
    """The product keys the customer has bought."""
    rows = OrderLine.objects.filter(order__customer_id=customer_id, order__status__in=SOLD).values_list(
        "sku", "name"
    )
    return {sku or name for sku, name in rows}


def recommendations_for(
    customer_id: int, *, limit: int = 3, table: LiftTable | None = None, min_lift: float = 1.0
) -> list[Pair]:
    """The customer's top suggestions: partners of what they bought with a lift above ``min_lift`` (bought
    together more often than by chance), best lift first, never something they already own."""
    table = table or cached_table()
    owned = owned_products(customer_id)
    best: dict[str, Pair] = {}
    for product in owned:
        for pair in table.partners.get(product, []):
            if pair.product in owned or pair.lift <= min_lift:
                continue
            if pair.product not in best or pair.lift > best[pair.product].lift:
                best[pair.product] = pair
    return sorted(best.values(), key=lambda p: (-p.lift, -p.together, p.name))[:limit]


def recommendations_text(customer_id: int, *, limit: int = 3) -> str:
    """The suggestions as lines for a message's ``{{ recommendations }}`` ("" when there are none)."""
    found = recommendations_for(customer_id, limit=limit)
    return "\n".join(f"• {pair.name}" for pair in found)
