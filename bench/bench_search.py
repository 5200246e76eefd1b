"""Search over 1M customers through the service layer, against the raw index
probe and a naive LIKE scan on the same SQLite file in the same run, and against
SQLite FTS5 and (when PostgreSQL is at hand) pg_trgm over the same folded terms
with the same queries (bench/search_references.py)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from faker import Faker

from pelatis.customers.normalise import phone_normalise
from pelatis.customers.queries import customer_search_ids
from pelatis.customers.search import customer_terms
from pelatis.customers.services import display_name_of, name_key_of, sort_name_of

from .common import Report, percentiles, scale
from .search_references import Timings, fts_build, fts_query, measure, pg_connect, trgm_build, trgm_query_for

QUERIES = {
    "Greek": ["Παπαδόπουλος", "Γεωργίου Μαρία", "Κωνσταντίνου", "Νικολάου Ελένη"],
    "accent-less": ["παπαδοπουλος", "γεωργιου μαρια", "κωνσταντινου", "νικολαου ελενη"],
    "Greeklish": ["papadopoulos", "georgiou maria", "konstantinou", "nikolaou eleni"],
    "phone": [],  # filled from generated data
    "prefix": ["Παπαδ", "Κωνστ", "Νικολ", "Γεωρ"],
    "typo (fuzzy)": ["Παπαδόπολος", "papadoupolos", "Κωνσταντινοου", "Νικολάοy Ελένη"],
}


# People the queries look for, so every query has answers at any scale.
FIXED = [
    ("Γιώργος", "Παπαδόπουλος"),
    ("Μαρία", "Γεωργίου"),
    ("Ελένη", "Νικολάου"),
    ("Κώστας", "Κωνσταντίνου"),
]


def _pools(rng: random.Random) -> tuple[list[str], list[str], list[str], list[str]]:
    el, others = Faker("el_GR"), [Faker(loc) for loc in ("de_DE", "it_IT", "en_GB", "fr_FR")]
    el.seed_instance(7)
    for i, f in enumerate(others):
        f.seed_instance(8 + i)
    greek_first = sorted({el.first_name() for _ in range(3000)}) + ["Μαρία", "Ελένη", "Γιώργος"]
    greek_last = sorted({el.last_name() for _ in range(5000)}) + [
        "Παπαδόπουλος",
        "Γεωργίου",
        "Κωνσταντίνου",
        "Νικολάου",
    ]
    latin_first = sorted({f.first_name() for f in others for _ in range(800)})
    latin_last = sorted({f.last_name() for f in others for _ in range(1500)})
    return greek_first, greek_last, latin_first, latin_last


def build(n: int) -> list[str]:
    """Fill the real tables with n customers, their emails, phones and search terms; returns some phones."""
    rng = random.Random(2026)
    gf, gl, lf, ll = _pools(rng)
    now = "2026-01-01 00:00:00"
    customers, points, terms, phones = [], [], [], []
    for cid in range(1, n + 1):
        greek = cid <= len(FIXED) or rng.random() < 0.7
        if cid <= len(FIXED):
            first, last = FIXED[cid - 1]
        else:
            first, last = (rng.choice(gf), rng.choice(gl)) if greek else (rng.choice(lf), rng.choice(ll))
        email = f"user{cid}@example.{'gr' if greek else 'com'}"
        phone = (
            phone_normalise(f"69{rng.randrange(10**8):08d}") if greek else f"+4915{rng.randrange(10**9):09d}"
        )
        if cid % 997 == 0:
            phones.append(phone)
        parts = {"kind": "person", "first_name": first, "last_name": last, "company_name": ""}
        customers.append(
            (
                cid,
                "person",
                "external",
                first,
                last,
                "",
                display_name_of(**parts),
                "",
                "",
                1,
                "el" if greek else "en",
                "Europe/Athens",
                "email",
                "",
                "",
                "",
                sort_name_of(**parts),
                name_key_of(first, last),
                now,
                now,
            )
        )
        points.append((cid, "email", email, "", 1, now))
        points.append((cid, "phone", phone, "", 1, now))
        for t in customer_terms(names=[first, last], emails=[email], phones=[phone]):
            terms.append((cid, t))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS search_term_lookup")
        cur.execute("DROP INDEX IF EXISTS search_term_customer")
        cur.executemany(
            "INSERT INTO customers_customer (id, kind, category, first_name, last_name, company_name, display_name, job_title,"
            " title, formal, language, time_zone, preferred_channel, vat_number, notes, name_day_name, sort_name, name_key,"
            " created_at, updated_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            customers,
        )
        cur.executemany(
            "INSERT INTO customers_contactpoint (customer_id, kind, value, label, is_primary, created_at)"
            " VALUES (%s,%s,%s,%s,%s,%s)",
            points,
        )
        cur.executemany("INSERT INTO customers_searchterm (customer_id, term) VALUES (%s,%s)", terms)
        cur.execute("CREATE INDEX search_term_lookup ON customers_searchterm (term, customer_id)")
        cur.execute("CREATE INDEX search_term_customer ON customers_searchterm (customer_id)")
        cur.execute("ANALYZE")
    return phones


def run(report: Report, work: Path) -> None:
    call_command("migrate", verbosity=0)
    n = scale(1_000_000)
    started = time.perf_counter()
    phones = build(n)
    build_s = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM customers_searchterm")
        n_terms = cur.fetchone()[0]
    report.add("search", "index build (setup)", f"{n:,} customers, {n_terms:,} terms in {build_s:.0f} s")
    QUERIES["phone"] = [p[3:10] for p in phones[:4]]  # national digits, as typed, partial

    rounds = 5
    all_service: list[float] = []
    all_hits = 0
    for label, queries in QUERIES.items():
        samples = []
        hits = 0
        for _ in range(rounds):
            for q in queries:
                t = time.perf_counter()
                ids = customer_search_ids(q, limit=25)
                samples.append(time.perf_counter() - t)
                hits += bool(ids)
        all_service += samples
        all_hits += hits
        p50, p95 = percentiles(samples)
        report.add(
            "search",
            f"{label} query p50/p95",
            f"{p50 * 1000:.1f} / {p95 * 1000:.1f} ms",
            target="p95 ≤ 30 ms",
            reference=f"{hits}/{len(samples)} found",
        )

    # References in the same run: the bare index probe (one range scan, no
    # ranking, no joins) and a naive LIKE scan over the names and emails.
    raw, like = [], []
    with connection.cursor() as cur:
        for _ in range(rounds):
            for q in ["w:παπαδοπουλοσ", "w:κωνσταντινου", "k:papadopulos", "w:νικολαου"]:
                t = time.perf_counter()
                cur.execute(
                    "SELECT customer_id FROM customers_searchterm WHERE term >= %s AND term < %s LIMIT 25",
                    [q, q[:-1] + chr(ord(q[-1]) + 1)],
                )
                cur.fetchall()
                raw.append(time.perf_counter() - t)
        for q in ["Παπαδόπουλος", "Κωνσταντίνου"]:
            t = time.perf_counter()
            cur.execute(
                "SELECT c.id FROM customers_customer c WHERE c.display_name LIKE %s OR c.id IN "
                "(SELECT customer_id FROM customers_contactpoint WHERE value LIKE %s) ORDER BY c.display_name LIMIT 25",
                [f"%{q}%", f"%{q}%"],
            )
            cur.fetchall()
            like.append(time.perf_counter() - t)
    s50, s95 = percentiles(all_service)
    r50, _ = percentiles(raw)
    l50, _ = percentiles(like)
    report.add(
        "search",
        "all queries p50/p95 (service)",
        f"{s50 * 1000:.1f} / {s95 * 1000:.1f} ms",
        reference=f"raw index probe p50 {r50 * 1000:.2f} ms",
        ratio=f"{s50 / r50:.1f}× raw probe",
    )
    report.add(
        "search",
        "vs naive LIKE '%…%' scan",
        f"LIKE p50 {l50 * 1000:.0f} ms",
        reference="same file, same run",
        ratio=f"{l50 / s50:.0f}× faster than LIKE",
        target="≥ 50×",
    )
    _references(report, [q for qs in QUERIES.values() for q in qs], rounds, s50, all_hits)
    connection.close()
    for suffix in ("", "-wal", "-shm"):  # a gigabyte at full scale: nothing reads it afterwards
        Path(f"{settings.DATABASES['default']['NAME']}{suffix}").unlink(missing_ok=True)


def _references(report: Report, queries: list[str], rounds: int, s50: float, service_hits: int) -> None:
    """SQLite FTS5 and PostgreSQL pg_trgm over the same terms with the same queries, as ratios to the service."""
    n = rounds * len(queries)
    built = fts_build()
    _reference_row(report, "SQLite FTS5", measure(fts_query, queries, rounds), s50,
                   f"service {service_hits}/{n}; FTS5 table of the folded terms built in {built:.0f} s")  # fmt: skip
    pg, why = pg_connect()
    if pg is None:
        report.add(
            "search", "vs PostgreSQL pg_trgm (same terms, same queries)", "not measured", reference=why
        )
        return
    with pg:
        version = pg.info.server_version // 10000
        built = trgm_build(pg)
        timings = measure(trgm_query_for(pg), queries, rounds)
    _reference_row(report, "PostgreSQL pg_trgm", timings, s50,
                   f"PostgreSQL {version}, GIN trigram index built in {built:.0f} s")  # fmt: skip


def _reference_row(report: Report, name: str, timings: Timings, s50: float, how: str) -> None:
    p50, p95 = percentiles(timings.samples)
    late = f", {timings.failed} cut off at the timeout" if timings.failed else ""
    report.add(
        "search",
        f"vs {name} (same terms, same queries)",
        f"{name.split()[-1]} p50/p95 {p50 * 1000:.1f} / {p95 * 1000:.1f} ms",
        reference=f"{timings.found}/{len(timings.samples)} found{late}; {how}",
        ratio=f"service {s50 / p50:.2f}× {name.split()[-1]} p50",
    )
