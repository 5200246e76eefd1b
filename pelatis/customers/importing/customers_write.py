"""Writing the customers of an import: the slots matched in customers.py become rows.

New customers go in with executemany, their derived name fields and search
terms from the services' own helpers (``derived_fields_fill``, ``customer_terms``),
with SQLite's non-unique indexes rebuilt once after a big first load. Existing
customers are written only when the file really changes them, and then get
one timeline entry and a search re-index, as ``customer_update`` would.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.db import connection
from django.utils.translation import gettext as _

from pelatis import lang
from pelatis.lang import fold

from ..inputs import CustomerInput
from ..models import Address, ContactPoint, Customer, ImportJob, Interaction, SearchTerm
from ..search import customer_terms, name_terms
from ..services import derived_fields_fill, search_reindex, tags_named
from .common import (
    IN_CHUNK,
    ImportResult,
    User,
    _chunks,
    _db_date,
    _db_datetime,
    _insert_many,
    _Progress,
    _timed,
    _update_many,
)


@dataclass
class _Address:
    line1: str
    city: str
    postcode: str
    country: str


@dataclass
class _Slot:
    """One customer the file creates or updates, with the rows that feed it."""

    data: CustomerInput
    given: set[str]
    rows: list[int]
    addresses: list[_Address]
    customer_id: int | None = None  # an existing customer


_SCALARS = ("kind", "category", "first_name", "last_name", "company_name", "job_title", "title", "formal",
            "language", "time_zone", "preferred_channel", "birthday", "vat_number", "external_ref", "notes")


@functools.lru_cache(maxsize=65536)
def _name_terms(name: str) -> frozenset[str]:
    return frozenset(name_terms(name))


def _terms_of(data: CustomerInput) -> set[str]:
    """customer_terms() for a new customer; name words (which repeat a lot) come from a cache."""
    terms = customer_terms(names=(), emails=data.emails, phones=data.phones, vat_number=data.vat_number,
                           external_ref=data.external_ref)
    for name in (data.first_name, data.last_name, data.company_name):
        if name:
            terms |= _name_terms(name)
    return terms


class _Derived:
    """The four name fields services.derived_fields_fill reads and the four it fills."""

    display_name = sort_name = name_key = name_day_name = ""

    def __init__(self, data: CustomerInput) -> None:
        self.kind, self.first_name, self.last_name, self.company_name = (
            data.kind, data.first_name, data.last_name, data.company_name)


class _CustomerWrites:
    """The writing half of ``customers._CustomerImport``, which sets these attributes."""

    file_name: str
    actor: User | None
    job: ImportJob
    result: ImportResult
    progress: _Progress
    loaded: dict[int, Customer]  # the stored customers of the matched slots, by id

    tag_ids: dict[str, int]  # tag id by casefolded name, filled chunk by chunk

    def _tags_for(self, slots: Sequence[_Slot]) -> dict[str, int]:
        """The ids of the chunk's tags (created as needed); only tags of customers really written are made."""
        names = [t for t in dict.fromkeys(t for s in slots for t in s.data.tags) if t.casefold() not in self.tag_ids]
        if names:
            by_fold = {fold(tag.name): tag.pk for tag in tags_named(names)}
            self.tag_ids.update({name.casefold(): by_fold[fold(name)] for name in names})
        return self.tag_ids

    def _create(self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int]) -> None:
        stamp = _db_datetime(now)
        with _timed(self.result, "derive"):
            rows = []
            for slot in slots:
                d = slot.data
                derived = _Derived(d)
                derived_fields_fill(cast(Customer, derived))  # the service's own helper, on a stand-in
                rows.append((d.kind, d.category, d.first_name, d.last_name, d.company_name, derived.display_name[:250],
                             d.job_title, d.title, d.formal, d.language, d.time_zone, d.preferred_channel,
                             _db_date(d.birthday), derived.name_day_name, d.vat_number, d.external_ref, d.notes,
                             derived.sort_name, derived.name_key, stamp, stamp))
            terms_of = [_terms_of(slot.data) for slot in slots]
        with _timed(self.result, "insert"):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(Customer._meta.db_table)}")
                before = cursor.fetchone()[0] or 0
            _insert_many(Customer, ("kind", "category", "first_name", "last_name", "company_name", "display_name",
                                    "job_title", "title", "formal", "language", "time_zone", "preferred_channel",
                                    "birthday", "name_day_name", "vat_number", "external_ref", "notes", "sort_name",
                                    "name_key", "created_at", "updated_at"), rows)
            # Ids grow in insertion order within our transaction; the shared stamp keeps out
            # rows another connection may insert meanwhile (PostgreSQL).
            ids = list(Customer.objects.filter(pk__gt=before, created_at=now).order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(slots):
            raise RuntimeError(f"inserted {len(slots)} customers but found {len(ids)}")
        with _timed(self.result, "derive"):
            points, terms, links, events, addresses = [], [], [], [], []
            summary = (_("Imported from %(file)s") % {"file": self.file_name})[:300]
            actor_id = self.actor.pk if self.actor is not None else None
            source = str(self.job.pk)
            for cid, slot, slot_terms in zip(ids, slots, terms_of, strict=True):
                d = slot.data
                points += [(cid, "email", v, "", i == 0, stamp) for i, v in enumerate(d.emails)]
                points += [(cid, "phone", v, "", i == 0, stamp) for i, v in enumerate(d.phones)]
                terms += [(cid, t) for t in slot_terms]
                if d.tags:
                    links += list(dict.fromkeys((cid, tag_ids[t.casefold()]) for t in d.tags))
                events.append((cid, "system", "internal", summary, "", stamp, actor_id, "customers.importjob", source))
                if slot.addresses:
                    addresses += [Address(customer_id=cid, line1=a.line1, city=a.city, postcode=a.postcode,
                                          country=a.country, is_primary=i == 0) for i, a in enumerate(slot.addresses)]
        with _timed(self.result, "insert"):
            _insert_many(ContactPoint, ("customer", "kind", "value", "label", "is_primary", "created_at"), points)
            _insert_many(SearchTerm, ("customer", "term"), terms)
            _insert_many(Customer.tags.through, ("customer", "tag"), links)
            _insert_many(Interaction, ("customer", "channel", "direction", "summary", "body", "occurred_at", "actor",
                                       "source_type", "source_id"), events)
            Address.objects.bulk_create(addresses, batch_size=500)

    def _update(self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int]) -> None:
        """Lay the slots over their stored customers; only customers that really change are written,
        get a timeline entry and are re-indexed (re-importing an unchanged file writes nothing)."""
        by_id = {s.customer_id: s for s in slots if s.customer_id is not None}
        ids = list(by_id)
        have_points: dict[int, set[tuple[str, str]]] = {}
        primary: set[tuple[int, str]] = set()
        for cid, kind, value, is_primary in ContactPoint.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "kind", "value", "is_primary"):
            have_points.setdefault(cid, set()).add((kind, value))
            if is_primary:
                primary.add((cid, kind))
        have_tags = set(Customer.tags.through.objects.filter(customer_id__in=ids).values_list("customer_id", "tag_id"))
        have_addresses: dict[int, set[tuple[str, str, str]]] = {}
        for cid, line1, city, postcode in Address.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "line1", "city", "postcode"):
            have_addresses.setdefault(cid, set()).add((lang.fold(line1), lang.fold(city), postcode))
        changed_rows: list[Customer] = []
        points, links, addresses, events = [], [], [], []
        for cid, slot in by_id.items():
            customer = self.loaded[cid]
            changed = [f for f in _SCALARS if f in slot.given and getattr(customer, f) != getattr(slot.data, f)]
            if changed:
                for f in changed:
                    setattr(customer, f, getattr(slot.data, f))
                derived_fields_fill(customer)
                customer.updated_at = now
                changed_rows.append(customer)
            for kind, values in (("email", slot.data.emails), ("phone", slot.data.phones)):
                for value in values:
                    if (kind, value) not in have_points.get(cid, set()):
                        points.append(ContactPoint(customer_id=cid, kind=kind, value=value,
                                                   is_primary=(cid, kind) not in primary))
                        primary.add((cid, kind))
                        changed.append(f"{kind}s")
            for tag in slot.data.tags:
                if (cid, tag_ids[tag.casefold()]) not in have_tags:
                    links.append(Customer.tags.through(customer_id=cid, tag_id=tag_ids[tag.casefold()]))
                    have_tags.add((cid, tag_ids[tag.casefold()]))
                    changed.append("tags")
            seen = have_addresses.setdefault(cid, set())
            for a in slot.addresses:
                key = (lang.fold(a.line1), lang.fold(a.city), a.postcode)
                if key not in seen:
                    addresses.append(Address(customer_id=cid, line1=a.line1, city=a.city, postcode=a.postcode,
                                             country=a.country, is_primary=not seen))
                    seen.add(key)
                    changed.append("address")
            if changed:
                summary = _("Updated from import of %(file)s: %(fields)s") % {
                    "file": self.file_name, "fields": ", ".join(dict.fromkeys(changed))}
                events.append(Interaction(customer_id=cid, channel=Interaction.Channel.SYSTEM,
                                          direction=Interaction.Direction.INTERNAL, summary=summary[:300],
                                          occurred_at=now, actor=self.actor, source_type="customers.importjob",
                                          source_id=str(self.job.pk)))
        _update_many(Customer, (*_SCALARS, "display_name", "sort_name", "name_key", "name_day_name", "updated_at"),
                     changed_rows)
        ContactPoint.objects.bulk_create(points, batch_size=500)
        Customer.tags.through.objects.bulk_create(links, batch_size=500)
        Address.objects.bulk_create(addresses, batch_size=500)
        Interaction.objects.bulk_create(events, batch_size=500)
        touched = [e.customer_id for e in events]
        if touched:
            # A company's name is in its contacts' search terms too (as customer_update does).
            touched += Customer.objects.filter(company_id__in=touched).values_list("pk", flat=True)
            for chunk in _chunks(list(dict.fromkeys(touched)), IN_CHUNK):
                search_reindex(customer_ids=chunk)
