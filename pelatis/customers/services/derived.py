"""Fields derived from a customer's data: display and sort names, the duplicate key, the name day's name,
and the search terms."""

from __future__ import annotations

from collections.abc import Iterable

from pelatis import lang

from ..models import ContactPoint, Customer, Order, SearchTerm
from ..search import customer_terms


def display_name_of(*, kind: str, first_name: str, last_name: str, company_name: str) -> str:
    if kind == Customer.Kind.COMPANY:
        return company_name
    name = " ".join(p for p in (first_name, last_name) if p)
    return name or company_name


def sort_name_of(*, kind: str, first_name: str, last_name: str, company_name: str) -> str:
    if kind == Customer.Kind.COMPANY or not (first_name or last_name):
        return lang.fold(company_name)[:250]
    return lang.fold(f"{last_name} {first_name}".strip())[:250]


def name_key_of(first_name: str, last_name: str) -> str:
    """A script- and spelling-blind key of a person's name, for grouping duplicates."""
    word_keys = (lang.name_keys(w) for w in lang.words(f"{first_name} {last_name}"))
    keys = sorted(min(k) for k in word_keys if k)
    return "|".join(keys)[:120]


def derived_fields_fill(customer: Customer) -> None:
    """Fill display_name, sort_name, name_key and name_day_name from the name parts (services and the importer)."""
    parts = {
        "kind": customer.kind,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company_name": customer.company_name,
    }
    customer.display_name = display_name_of(**parts)[:250]
    customer.sort_name = sort_name_of(**parts)
    customer.name_key = (
        name_key_of(customer.first_name, customer.last_name) if customer.kind == Customer.Kind.PERSON else ""
    )
    customer.name_day_name = (lang.canonical_name(customer.first_name) or "") if customer.first_name else ""


def search_reindex(*, customer_ids: Iterable[int]) -> None:
    """Rebuild the search terms of these customers from their current data."""
    ids = list(customer_ids)
    if not ids:
        return
    customers = Customer.objects.filter(pk__in=ids).select_related("company")
    points: dict[int, dict[str, list[str]]] = {}
    for cid, kind, value in ContactPoint.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "kind", "value"
    ):
        points.setdefault(cid, {}).setdefault(kind, []).append(value)
    refs: dict[int, list[str]] = {}
    for cid, ref in Order.objects.filter(customer_id__in=ids).values_list("customer_id", "reference"):
        refs.setdefault(cid, []).append(ref)
    rows: list[SearchTerm] = []
    for c in customers:
        if c.merged_into_id is not None or c.erased_at is not None:
            continue  # an erased customer is found by no term, even after a later order
        names = [c.first_name, c.last_name, c.company_name]
        if c.company is not None:
            names.append(c.company.company_name)
        terms = customer_terms(
            names=names,
            emails=points.get(c.pk, {}).get("email", []),
            phones=points.get(c.pk, {}).get("phone", []),
            vat_number=c.vat_number,
            external_ref=c.external_ref,
            order_refs=refs.get(c.pk, []),
        )
        rows.extend(SearchTerm(customer_id=c.pk, term=t) for t in terms)
    SearchTerm.objects.filter(customer_id__in=ids).delete()
    SearchTerm.objects.bulk_create(rows, batch_size=2000)
