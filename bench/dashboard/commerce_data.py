"""Generated customers, their orders and order lines, and the customer values `pelatis clv fit` stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pelatis.analytics.models import Segment

from .common import DAY, TZ, insert, nullable, ts

FIRST = [
    "Γιώργος",
    "Μαρία",
    "Ελένη",
    "Κώστας",
    "Νίκος",
    "Δημήτρης",
    "Αικατερίνη",
    "Ιωάννης",
    "Σοφία",
    "Anna",
    "Luca",
]
LAST = [
    "Παπαδόπουλος",
    "Γεωργίου",
    "Νικολάου",
    "Κωνσταντίνου",
    "Οικονόμου",
    "Δημητρίου",
    "Müller",
    "Rossi",
    "Ιωάννου",
]
CATEGORIES = ["Ρούχα", "Παπούτσια", "Αξεσουάρ", "Σπίτι", "Ηλεκτρονικά", "Ομορφιά", "Παιχνίδια", "Βιβλία"]
PRODUCTS = 2000
SPAN = 3 * 365 * DAY  # first orders fall in the last three years

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Orders:
    owner: npt.NDArray[np.int64]  # customer index (0-based) of each order, orders sorted by time
    placed: Floats  # Unix seconds
    status: npt.NDArray[np.object_]
    totals: Floats
    lines: int


def load_customers(raw: Any, rng: np.random.Generator, n: int, now: float) -> Floats:
    """n customers; returns when each placed their first order (Unix seconds)."""
    first_i, last_i = rng.integers(0, len(FIRST), n).tolist(), rng.integers(0, len(LAST), n).tolist()
    names = [f"{FIRST[a]} {LAST[b]}" for a, b in zip(first_i, last_i, strict=True)]
    # Orders: every customer buys at least once; the first order somewhere in the last three years
    # (more of them recently), the others between it and now.
    first_at: Floats = now - SPAN + SPAN * rng.power(1.4, n)
    created = ts(first_at - rng.uniform(0, 30 * DAY, n))

    def customer_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (
                i + 1,
                "person",
                "external",
                FIRST[first_i[i]],
                LAST[last_i[i]],
                "",
                names[i],
                "",
                "",
                1,
                "el",
                TZ,
                "email",
                "",
                "",
                "",
                names[i].lower(),
                "",
                created[i],
                created[i],
            )
            for i in range(a, b)
        ]

    insert(
        raw,
        "customers_customer",
        [
            "id",
            "kind",
            "category",
            "first_name",
            "last_name",
            "company_name",
            "display_name",
            "job_title",
            "title",
            "formal",
            "language",
            "time_zone",
            "preferred_channel",
            "vat_number",
            "notes",
            "name_day_name",
            "sort_name",
            "name_key",
            "created_at",
            "updated_at",
        ],
        customer_rows,
        n,
    )
    return first_at


def load_orders(
    raw: Any,
    rng: np.random.Generator,
    first_at: Floats,
    now: float,
    n_orders_target: int,
    n_lines_target: int,
) -> Orders:
    """About n_orders_target orders (every customer at least one) with about n_lines_target lines."""
    n = int(first_at.size)
    extra_mean = max(0.0, n_orders_target / n - 1.0)
    per_customer = 1 + rng.poisson(rng.gamma(0.8, extra_mean / 0.8 if extra_mean else 0.0, n))
    owner = np.repeat(np.arange(n), per_customer)
    is_first = np.zeros(owner.size, dtype=bool)
    is_first[np.cumsum(per_customer) - per_customer] = True
    u = np.where(is_first, 0.0, rng.random(owner.size))
    placed = first_at[owner] + (now - first_at[owner]) * u
    order = np.argsort(placed, kind="stable")
    owner, placed = owner[order], np.floor(placed[order])
    n_orders = int(owner.size)
    status = rng.choice(
        np.array(["placed", "paid", "fulfilled", "cancelled", "refunded"], dtype=object),
        n_orders,
        p=[0.05, 0.20, 0.68, 0.05, 0.02],
    )
    # Lines: a catalogue of 2,000 products; 1 + Poisson lines per order, summing to the order total.
    price = np.round(rng.lognormal(3.0, 0.8, PRODUCTS), 2)
    product_cat = rng.integers(0, len(CATEGORIES), PRODUCTS)
    skus = [f"SKU-{p:05d}" for p in range(PRODUCTS)]
    pnames = [f"Προϊόν {p}" for p in range(PRODUCTS)]
    lines_per = 1 + rng.poisson(max(0.0, n_lines_target / n_orders - 1.0), n_orders)
    line_order = np.repeat(np.arange(n_orders), lines_per)
    n_lines = int(line_order.size)
    line_product = rng.integers(0, PRODUCTS, n_lines)
    quantity = 1 + rng.poisson(0.3, n_lines)
    line_price = price[line_product]
    totals = np.asarray(
        np.round(np.bincount(line_order, weights=quantity * line_price, minlength=n_orders), 2),
        dtype=np.float64,
    )
    placed_text = ts(placed)
    cust_id = (owner + 1).tolist()
    order_channel = rng.choice(
        np.array(["web", "shop", "phone"], dtype=object), n_orders, p=[0.7, 0.25, 0.05]
    )
    status_l, totals_l, channel_l = status.tolist(), totals.tolist(), order_channel.tolist()

    def order_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (
                i + 1,
                f"B{i + 1:09d}",
                placed_text[i],
                "EUR",
                status_l[i],
                channel_l[i],
                totals_l[i],
                placed_text[i],
                cust_id[i],
            )
            for i in range(a, b)
        ]

    insert(
        raw,
        "customers_order",
        [
            "id",
            "reference",
            "placed_at",
            "currency",
            "status",
            "channel",
            "total",
            "created_at",
            "customer_id",
        ],
        order_rows,
        n_orders,
    )
    lo_l, lp_l, q_l = (line_order + 1).tolist(), line_product.tolist(), quantity.tolist()
    lprice_l = line_price.tolist()
    pcat = [CATEGORIES[c] for c in product_cat.tolist()]

    def line_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (skus[lp_l[i]], pnames[lp_l[i]], pcat[lp_l[i]], q_l[i], lprice_l[i], lo_l[i]) for i in range(a, b)
        ]

    insert(
        raw,
        "customers_orderline",
        ["sku", "name", "category", "quantity", "unit_price", "order_id"],
        line_rows,
        n_lines,
    )
    return Orders(owner=owner, placed=placed, status=status, totals=totals, lines=n_lines)


def load_customer_values(raw: Any, rng: np.random.Generator, orders: Orders, n: int, now: float) -> None:
    """What `pelatis clv fit` stores for each of the n customers: RFM scores, segment, p_alive, CLV."""
    owner, placed, status, totals = orders.owner, orders.placed, orders.status, orders.totals
    sold = ~np.isin(status, ["cancelled", "refunded"])
    cv_orders = np.bincount(owner[sold], minlength=n)
    cv_revenue = np.round(np.bincount(owner[sold], weights=totals[sold], minlength=n), 2)
    first_day = np.full(n, np.inf)
    np.minimum.at(first_day, owner, placed)
    last_day = np.full(n, -np.inf)
    np.maximum.at(last_day, owner, placed)
    first_txt = [str(s)[:10] for s in ts(first_day)]
    last_txt = [str(s)[:10] for s in ts(last_day)]
    rec = np.clip(5 - ((now - last_day) / (SPAN / 5)).astype(int), 1, 5)
    freq = np.clip(cv_orders, 1, 5)
    mon = rng.integers(1, 6, n)
    segs = np.array(Segment.values, dtype=object)[(rec * 3 + freq * 7 + mon) % len(Segment.values)]
    p_alive = np.round(rng.beta(2.0, 1.2, n), 4)
    expected = np.round(rng.gamma(1.2, 1.5, n), 4)
    clv = np.round(rng.gamma(0.9, 120.0, n) * (1 + cv_orders / 4), 4)
    no_clv = rng.random(n) < 0.01
    computed = ts(np.array([now]))[0]
    cv = (
        cv_orders.tolist(),
        cv_revenue.tolist(),
        rec.tolist(),
        freq.tolist(),
        mon.tolist(),
        segs.tolist(),
        p_alive.tolist(),
        expected.tolist(),
        nullable(clv, no_clv),
    )

    def cv_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        o, r, rs, fs, ms, sg, pa, ex, cl = cv
        return [
            (
                i + 1,
                o[i],
                r[i],
                first_txt[i],
                last_txt[i],
                rs[i],
                fs[i],
                ms[i],
                sg[i],
                pa[i],
                ex[i],
                cl[i],
                computed,
            )
            for i in range(a, b)
        ]

    insert(
        raw,
        "analytics_customervalue",
        [
            "customer_id",
            "orders",
            "revenue",
            "first_order",
            "last_order",
            "recency_score",
            "frequency_score",
            "monetary_score",
            "segment",
            "p_alive",
            "expected_purchases",
            "clv",
            "computed_at",
        ],
        cv_rows,
        n,
    )
