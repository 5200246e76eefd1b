"""Reads: permission-checked fetches, search, the 360 view, duplicates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as StaffUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from rapidfuzz import fuzz, process

from pelatis import lang

from .models import ContactPoint, Customer, Interaction, MergeRecord, Order, SearchTerm, Subscription, Tag
from .search import (
    DRIVER_CAP,
    EXACT,
    FUZZY,
    FUZZY_MIN,
    FUZZY_SCAN,
    KEY_EXACT,
    PREFIX,
    Probe,
    group_count_sql,
    query_groups,
    ranked_sql,
)

User = StaffUser | AnonymousUser


def customer_for(user: User, customer_id: int, *, write: bool = False) -> Customer:
    """The customer with this id if ``user`` may see it (and change it, with write=True); else 404/403."""
    if not user.has_perm("customers.view_customer"):
        raise PermissionDenied
    if write and not user.has_perm("customers.change_customer"):
        raise PermissionDenied
    customer = Customer.objects.select_related("company", "merged_into").filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    return customer


def customer_list() -> QuerySet[Customer]:
    """Live (not merged) customers with what a list row shows."""
    return (
        Customer.objects.filter(merged_into__isnull=True)
        .select_related("company")
        .prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("-is_primary", "id")),
            "tags",
        )
    )


@dataclass(frozen=True)
class SearchPage:
    customers: list[Customer]
    scores: dict[int, int]
    has_more: bool


def _fuzzy_probes(cursor: Any, probes: list[Probe], table: str) -> list[Probe]:
    """Typo tolerance for a word that matched nothing: the indexed phonetic keys
    sharing its first letters and within a small edit distance, as exact probes."""
    found: dict[str, int] = {}
    for probe in probes:
        key = probe.term[2:]
        if probe.prefix or not probe.term.startswith("k:") or len(key) < 4:
            continue
        head = Probe(f"k:{key[:3]}", True, 0)
        cursor.execute(
            f"SELECT DISTINCT term FROM (SELECT term FROM {table} WHERE term >= %s AND term < %s "  # noqa: S608 — the table name is our own and the scan size a constant; the key is a parameter
            f"ORDER BY term LIMIT {FUZZY_SCAN}) t",
            [head.term, head.upper],
        )
        terms = [row[0][2:] for row in cursor.fetchall()]
        for term, similarity, _i in process.extract(
            key, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=5
        ):
            found[f"k:{term}"] = max(found.get(f"k:{term}", 0), int(similarity))
    # Closer spellings rank higher, all below every exact, prefix or phonetic match.
    return [Probe(term, False, FUZZY + (similarity - FUZZY_MIN) // 5) for term, similarity in found.items()]


def _ranked(groups: list[list[Probe]], *, limit: int, offset: int) -> list[tuple[int, int]]:
    """(customer id, score) best first for query groups, in a handful of statements."""
    table, customer_table = SearchTerm._meta.db_table, Customer._meta.db_table
    with connection.cursor() as cursor:
        if len(groups) == 1:
            rows = _ranked_one(cursor, groups[0], limit=limit, offset=offset)
            if rows or offset:
                return rows
            fuzzy = _fuzzy_probes(cursor, groups[0], table)
            return _ranked_one(cursor, fuzzy, limit=limit, offset=offset) if fuzzy else []
        sizes = _group_sizes(cursor, groups, table)
        for i, size in enumerate(sizes):
            if size == 0:
                groups[i] = _fuzzy_probes(cursor, groups[i], table)
                if not groups[i]:
                    return []
                sizes[i] = DRIVER_CAP  # fuzzy probes are few: checking them per candidate is cheap
        driver = min(range(len(groups)), key=lambda i: sizes[i])
        sql, params = ranked_sql(groups, driver, table, customer_table)
        cursor.execute(sql, [*params, limit, offset])
        return [(int(cid), int(score)) for cid, score in cursor.fetchall()]


def _group_sizes(cursor: Any, groups: list[list[Probe]], table: str) -> list[int]:
    """How many index entries each group touches (capped): the smallest drives the query."""
    counts, params = [], []
    for probes in groups:
        sql, p = group_count_sql(probes, table, DRIVER_CAP)
        counts.append(sql)
        params += p
    cursor.execute(f"SELECT {', '.join(counts)}", params)
    return [int(n) for n in cursor.fetchone()]


def _ranked_one(cursor: Any, probes: list[Probe], *, limit: int, offset: int) -> list[tuple[int, int]]:
    """One word, ranked tier by tier: when the exact matches alone fill the page,
    weaker (prefix, phonetic) matches cannot reach it, so they are never gathered."""
    table, customer_table = SearchTerm._meta.db_table, Customer._meta.db_table
    tiers: list[list[Probe]] = []
    for threshold in (EXACT, KEY_EXACT, PREFIX, 0):  # the weak tiers are gathered together
        tier = [p for p in probes if p.score >= threshold]
        if tier and (not tiers or len(tier) > len(tiers[-1])):
            tiers.append(tier)
    rows: list[tuple[int, int]] = []
    for i, tier in enumerate(tiers):
        sql, params = ranked_sql([tier], 0, table, customer_table)
        cursor.execute(sql, [*params, limit + offset, 0])
        rows = [(int(cid), int(score)) for cid, score in cursor.fetchall()]
        if len(rows) >= limit + offset or i == len(tiers) - 1:
            break
    return rows[offset:]


def customer_search(q: str, *, limit: int = 25, offset: int = 0) -> SearchPage:
    """Customers matching ``q`` by name (Greek, accent-less or Greeklish), email, phone, VAT or order reference, best first."""
    groups = query_groups(q)
    if not groups:
        return SearchPage([], {}, False)
    rows = _ranked(groups, limit=limit + 1, offset=offset)
    has_more = len(rows) > limit
    scores = dict(rows[:limit])
    by_id = customer_list().in_bulk(list(scores))
    return SearchPage([by_id[cid] for cid in scores if cid in by_id], scores, has_more)


def customer_search_ids(q: str, *, limit: int = 25) -> list[int]:
    """Only the ranked ids: the search without loading rows (used by benchmarks and bulk actions)."""
    groups = query_groups(q)
    return [cid for cid, _score in _ranked(groups, limit=limit, offset=0)] if groups else []


def duplicates_of(customer: Customer, *, limit: int = 10) -> list[Customer]:
    """Likely duplicates: same email or phone, or the same name up to accents, case and Greeklish spelling."""
    ids: list[int] = []
    points = list(customer.contact_points.values_list("kind", "value"))
    if points:
        cond = Q()
        for kind, value in points:
            cond |= Q(kind=kind, value=value)
        ids += list(
            ContactPoint.objects.filter(cond)
            .exclude(customer=customer)
            .filter(customer__merged_into__isnull=True)
            .values_list("customer_id", flat=True)
            .distinct()[:limit]
        )
    if customer.kind == Customer.Kind.PERSON and customer.first_name and customer.last_name:
        groups = query_groups(f"{customer.first_name} {customer.last_name}")
        # Names only, and only exact or phonetic-exact: a shared prefix is not a duplicate.
        groups = [
            [p for p in g if not p.prefix and p.term[:2] in ("w:", "k:") and p.score in (EXACT, KEY_EXACT)]
            for g in groups
        ]
        if groups and all(groups):
            ids += [cid for cid, _score in _ranked(groups, limit=limit + 1, offset=0) if cid != customer.pk]
    ids = list(dict.fromkeys(ids))[:limit]
    found = customer_list().in_bulk(ids)
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Customer360:
    customer: Customer
    emails: list[ContactPoint]
    phones: list[ContactPoint]
    orders: list[Order]
    order_count: int
    revenue: object
    subscriptions: list[Subscription]
    timeline: list[Interaction]
    timeline_has_more: bool
    contacts: list[Customer]
    duplicates: list[Customer]
    merges: list[MergeRecord]
    customer_since: dt.datetime | None = None


def customer_360(customer: Customer, *, timeline_limit: int = 50, timeline_offset: int = 0) -> Customer360:
    """Everything the customer page shows, in a fixed number of queries."""
    points = list(customer.contact_points.all())
    orders = list(Order.objects.filter(customer=customer).prefetch_related("lines")[:10])
    totals = (
        Order.objects.filter(customer=customer)
        .exclude(status__in=["cancelled", "refunded"])
        .aggregate(n=Count("id"), revenue=Sum("total"))
    )
    timeline_qs = Interaction.objects.filter(customer=customer).select_related("actor")
    timeline = list(timeline_qs[timeline_offset : timeline_offset + timeline_limit + 1])
    return Customer360(
        customer=customer,
        emails=[p for p in points if p.kind == ContactPoint.Kind.EMAIL],
        phones=[p for p in points if p.kind == ContactPoint.Kind.PHONE],
        orders=orders,
        order_count=totals["n"] or 0,
        revenue=totals["revenue"] or 0,
        subscriptions=list(customer.subscriptions.all()),
        timeline=timeline[:timeline_limit],
        timeline_has_more=len(timeline) > timeline_limit,
        contacts=list(customer.contacts.filter(merged_into__isnull=True))
        if customer.kind == Customer.Kind.COMPANY
        else [],
        duplicates=duplicates_of(customer),
        merges=list(MergeRecord.objects.filter(survivor=customer).select_related("merged", "merged_by")),
        customer_since=customer_since_of(customer.pk),
    )


def with_customer_since(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """``qs`` annotated with ``customer_since``: the earliest of the customer's creation, first order
    and first timeline entry, computed in the database (an imported book's history starts before its import)."""
    first_order = Order.objects.filter(customer=OuterRef("pk")).order_by("placed_at").values("placed_at")[:1]
    first_seen = (
        Interaction.objects.filter(customer=OuterRef("pk")).order_by("occurred_at").values("occurred_at")[:1]
    )
    # Each side falls back to the creation time: LEAST of a NULL is NULL on SQLite.
    return qs.annotate(
        customer_since=Least(
            F("created_at"),
            Coalesce(Subquery(first_order), F("created_at")),
            Coalesce(Subquery(first_seen), F("created_at")),
        )
    )


def customer_since_of(customer_id: int) -> dt.datetime | None:
    """When this customer's history with us starts (see ``with_customer_since``)."""
    return (
        with_customer_since(Customer.objects.filter(pk=customer_id))
        .values_list("customer_since", flat=True)  # type: ignore[misc]  # django-stubs does not see the alias with_customer_since() annotates
        .first()
    )


@dataclass(frozen=True)
class ContactOwner:
    """Another customer who already has an email or phone being typed into the form."""

    kind: str
    value: str
    customer: Customer


def contact_owners(
    *, emails: list[str], phones: list[str], exclude_pk: int | None = None, limit: int = 10
) -> list[ContactOwner]:
    """Live customers (not ``exclude_pk``) holding any of these stored-form emails or phones, in one query."""
    cond = Q()
    if emails:
        cond |= Q(kind=ContactPoint.Kind.EMAIL, value__in=emails)
    if phones:
        cond |= Q(kind=ContactPoint.Kind.PHONE, value__in=phones)
    if not cond:
        return []
    points = (
        ContactPoint.objects.filter(cond, customer__merged_into__isnull=True)
        .select_related("customer")
        .order_by("kind", "value", "customer_id")
    )
    if exclude_pk is not None:
        points = points.exclude(customer_id=exclude_pk)
    return [ContactOwner(kind=p.kind, value=p.value, customer=p.customer) for p in points[:limit]]


# ---------------------------------------------------------------- staff UI reads (list filters)

CUSTOMER_SEGMENTS = ("person", "company", "internal")


def customer_list_filtered(
    *, tag_id: int | None = None, segment: str = "", extra: Q | None = None
) -> QuerySet[Customer]:
    """``customer_list()`` narrowed to one tag, one segment (person, company or internal) and the
    conditions other apps' list filters add (``extra``)."""
    qs = customer_list() if extra is None else customer_list().filter(extra)
    if tag_id is not None:
        qs = qs.filter(tags__id=tag_id)
    if segment in ("person", "company"):
        qs = qs.filter(kind=segment)
    elif segment == "internal":
        qs = qs.filter(category=Customer.Category.INTERNAL)
    return qs


def customer_search_filtered(
    q: str,
    *,
    tag_id: int | None = None,
    segment: str = "",
    extra: Q | None = None,
    limit: int = 25,
    offset: int = 0,
    pool: int = 1000,
) -> SearchPage:
    """The search ranked as ``customer_search``, keeping only customers in the tag and segment.

    Filters apply to the best ``pool`` matches, so a very broad query with a
    narrow filter may miss customers ranked below them.
    """
    if tag_id is None and not segment and extra is None:
        return customer_search(q, limit=limit, offset=offset)
    ranked = customer_search_ids(q, limit=pool)
    keep = set(
        customer_list_filtered(tag_id=tag_id, segment=segment, extra=extra)
        .filter(pk__in=ranked)
        .values_list("pk", flat=True)
    )
    ids = [cid for cid in ranked if cid in keep]
    window = ids[offset : offset + limit]
    by_id = customer_list().in_bulk(window)
    return SearchPage([by_id[cid] for cid in window if cid in by_id], {}, len(ids) > offset + limit)


def tags_for_filter() -> QuerySet[Tag]:
    """Tags that at least one live customer carries, for the list's filter."""
    return Tag.objects.filter(customers__merged_into__isnull=True).distinct().order_by("name")


def companies_for_choice() -> QuerySet[Customer]:
    """Live companies a person can belong to."""
    return Customer.objects.filter(kind=Customer.Kind.COMPANY, merged_into__isnull=True).order_by(
        "sort_name", "id"
    )


def customer_timeline(
    customer: Customer, *, limit: int = 50, offset: int = 0
) -> tuple[list[Interaction], bool]:
    """One page of the timeline, newest first, and whether older entries follow."""
    rows = list(
        Interaction.objects.filter(customer=customer).select_related("actor")[offset : offset + limit + 1]
    )
    return rows[:limit], len(rows) > limit


def customer_next_name_day(customer: Customer, *, today: dt.date) -> dt.date | None:
    """The customer's next name day on or after ``today`` (this year's, else next year's), if the calendar knows the name."""
    if customer.kind != Customer.Kind.PERSON or not customer.first_name:
        return None
    for year in (today.year, today.year + 1):
        day = lang.name_day(customer.first_name, year)
        if day is None:
            return None
        if day >= today:
            return day
    return None
