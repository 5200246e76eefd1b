"""Writing the customers of an import: the slots matched in customers.py become rows.

New customers go in with executemany, their derived name fields and search
terms from the services' own helpers (``derived_fields_fill``, ``customer_terms``),
with SQLite's non-unique indexes rebuilt once after a big first load. Existing
customers (``customers_update``) are written only when the file really changes
them, and then get one timeline entry and a search re-index, as ``customer_update`` would.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection
from django.utils.translation import gettext_noop

from pelatis.core.hooks import contributions
from pelatis.lang import fold
from pelatis.lang.scripts import same_name_other_script

from ..inputs import CustomerInput
from ..models import (
    Address,
    ContactPoint,
    Customer,
    ImportChange,
    ImportedConsent,
    ImportJob,
    Interaction,
    SearchTerm,
    Tag,
)
from ..search import customer_terms, name_terms
from ..services.customers import PROFILE_FIELDS, tags_named
from ..services.derived import derived_fields_fill
from ..services.timeline import timeline_text
from .common import (
    ImportOptions,
    ImportResult,
    User,
    _db_date,
    _db_datetime,
    _insert_many,
    _Progress,
    _timed,
)


@dataclass
class _Address:
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""
    region: str = ""


@dataclass(frozen=True)
class _Consent:
    channel: str  # "email" or "sms"
    granted: bool
    source: str  # the platform ("shopify", …) or "file"
    stated_at: dt.datetime | None
    raw: str


@dataclass
class _Slot:
    """One customer the file creates or updates, with the rows that feed it."""

    data: CustomerInput
    given: set[str]
    rows: list[int]
    addresses: list[_Address]
    customer_id: int | None = None  # an existing customer
    consents: list[_Consent] = field(default_factory=list)
    # For an existing customer, after the update policy: field → (stored, new) to write, and
    # field → (stored, in the file, why kept) for values the file has but the policy keeps.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    kept: dict[str, tuple[Any, Any, str]] = field(default_factory=dict)


@functools.lru_cache(maxsize=65536)
def _name_terms(name: str) -> frozenset[str]:
    return frozenset(name_terms(name))


def _terms_of(data: CustomerInput) -> set[str]:
    """customer_terms() for a new customer; name words (which repeat a lot) come from a cache."""
    terms = customer_terms(
        names=(),
        emails=data.emails,
        phones=data.phones,
        vat_number=data.vat_number,
        external_ref=data.external_ref,
    )
    for name in (data.first_name, data.last_name, data.company_name):
        if name:
            terms |= _name_terms(name)
    return terms


class _Derived:
    """The four name fields services.derived_fields_fill reads and the four it fills."""

    display_name = sort_name = name_key = name_day_name = ""

    def __init__(self, data: CustomerInput) -> None:
        self.kind, self.first_name, self.last_name, self.company_name = (
            data.kind,
            data.first_name,
            data.last_name,
            data.company_name,
        )


_NAME_FIELDS = frozenset({"first_name", "last_name", "company_name"})
_BIRTHDAY = PROFILE_FIELDS.index("birthday")  # the one profile field written through the database's adapter


def _address_row(customer_id: int, a: _Address, *, primary: bool) -> Address:
    return Address(
        customer_id=customer_id,
        line1=a.line1,
        line2=a.line2,
        city=a.city,
        postcode=a.postcode,
        region=a.region,
        country=a.country,
        is_primary=primary,
    )


def _blank(value: Any) -> bool:
    return value is None or value == ""


class _CustomerWrites:
    """The writing half of ``customers._CustomerImport``, which sets these attributes."""

    file_name: str
    actor: User | None
    job: ImportJob
    result: ImportResult
    progress: _Progress
    options: ImportOptions
    loaded: dict[int, Customer]  # the stored customers of the matched slots, by id

    tag_ids: dict[str, int]  # tag id by casefolded name, filled chunk by chunk

    def _resolve(self, slot: _Slot, have: Customer) -> None:
        """The update policy, field by field: a blank stored field is filled; a filled one is replaced
        only when the import overwrites; a Greek-script name is never replaced by its Latin spelling."""
        slot.changes, slot.kept = {}, {}
        for f in PROFILE_FIELDS:
            if f not in slot.given:
                continue
            new, old = getattr(slot.data, f), getattr(have, f)
            if new == old or _blank(new):
                continue
            if f in _NAME_FIELDS and old and same_name_other_script(old, new):
                slot.kept[f] = (old, new, "script")
            elif _blank(old) or self.options.overwrite:
                slot.changes[f] = (old, new)
            else:
                slot.kept[f] = (old, new, "filled")

    def _new_tag_names(self, slots: Sequence[_Slot]) -> list[str]:
        """The chunk's tag names whose ids are not known yet, once each."""
        return [
            t
            for t in dict.fromkeys(t for s in slots for t in s.data.tags)
            if t.casefold() not in self.tag_ids
        ]

    def _tags_for(self, slots: Sequence[_Slot]) -> dict[str, int]:
        """The ids of the chunk's tags (created as needed); only tags of customers really written are made."""
        names = self._new_tag_names(slots)
        if names:
            by_fold = {fold(tag.name): tag.pk for tag in tags_named(names)}
            self.tag_ids.update({name.casefold(): by_fold[fold(name)] for name in names})
        return self.tag_ids

    def _tags_known(self, slots: Sequence[_Slot]) -> dict[str, int]:
        """For a preview: the ids of the tags that exist, and a made-up (negative) id for each new one."""
        names = self._new_tag_names(slots)
        if names:
            wanted = {fold(n) for n in names}
            found = {
                fold(name): pk for pk, name in Tag.objects.values_list("pk", "name") if fold(name) in wanted
            }
            for name in names:
                self.tag_ids[name.casefold()] = found.get(fold(name), -1 - len(self.tag_ids))
        return self.tag_ids

    def _create(self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int]) -> None:
        stamp = _db_datetime(now)
        with _timed(self.result, "derive"):
            rows = []
            for slot in slots:
                d = slot.data
                derived = _Derived(d)
                derived_fields_fill(cast(Customer, derived))  # the service's own helper, on a stand-in
                profile = [getattr(d, f) for f in PROFILE_FIELDS]
                profile[_BIRTHDAY] = _db_date(d.birthday)
                rows.append(
                    (
                        *profile,
                        derived.display_name[:250],
                        derived.name_day_name,
                        derived.sort_name,
                        derived.name_key,
                        stamp,
                        stamp,
                    )
                )
            terms_of = [_terms_of(slot.data) for slot in slots]
        with _timed(self.result, "insert"):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(Customer._meta.db_table)}")  # noqa: S608 — the table name comes from our model, quoted
                before = cursor.fetchone()[0] or 0
            _insert_many(
                Customer,
                (
                    *PROFILE_FIELDS,
                    "display_name",
                    "name_day_name",
                    "sort_name",
                    "name_key",
                    "created_at",
                    "updated_at",
                ),
                rows,
            )
            # Ids grow in insertion order within our transaction; the shared stamp keeps out
            # rows another connection may insert meanwhile (PostgreSQL).
            ids = list(
                Customer.objects.filter(pk__gt=before, created_at=now)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if len(ids) != len(slots):
            raise RuntimeError(f"inserted {len(slots)} customers but found {len(ids)}")
        with _timed(self.result, "derive"):
            points, terms, links, events, addresses, consents = [], [], [], [], [], []
            summary = timeline_text(gettext_noop("Imported from %(file)s"), file=self.file_name)[:300]
            actor_id = self.actor.pk if self.actor is not None else None
            source = str(self.job.pk)
            for cid, slot, slot_terms in zip(ids, slots, terms_of, strict=True):
                d = slot.data
                points += [(cid, "email", v, "", i == 0, stamp) for i, v in enumerate(d.emails)]
                points += [(cid, "phone", v, "", i == 0, stamp) for i, v in enumerate(d.phones)]
                terms += [(cid, t) for t in slot_terms]
                if d.tags:
                    links += list(dict.fromkeys((cid, tag_ids[t.casefold()]) for t in d.tags))
                events.append(
                    (cid, "system", "internal", summary, "", stamp, actor_id, "customers.importjob", source)
                )
                if slot.addresses:
                    addresses += [_address_row(cid, a, primary=i == 0) for i, a in enumerate(slot.addresses)]
                consents += [self._consent(cid, c, now) for c in dict.fromkeys(slot.consents)]
        with _timed(self.result, "insert"):
            _insert_many(
                ContactPoint, ("customer", "kind", "value", "label", "is_primary", "created_at"), points
            )
            _insert_many(SearchTerm, ("customer", "term"), terms)
            _insert_many(Customer.tags.through, ("customer", "tag"), links)
            _insert_many(
                Interaction,
                (
                    "customer",
                    "channel",
                    "direction",
                    "summary",
                    "body",
                    "occurred_at",
                    "actor",
                    "source_type",
                    "source_id",
                ),
                events,
            )
            Address.objects.bulk_create(addresses, batch_size=500)
            ImportedConsent.objects.bulk_create(consents, batch_size=500)
            self._consents_imported(consents)
            ImportChange.objects.create(
                job=self.job, action=ImportChange.Action.CUSTOMERS_CREATED, object_ids=ids
            )

    def _consents_imported(self, consents: Sequence[ImportedConsent]) -> None:
        """Tell the apps that keep consent (CUSTOMER_CONSENTS_IMPORTED) of the consents just written,
        inside the import's transaction: a preview or a failed import rolls their records back too."""
        if consents:
            for contribution in contributions("CUSTOMER_CONSENTS_IMPORTED"):
                contribution(self.job, list(consents), self.actor)

    def _consent(self, customer_id: int, c: _Consent, now: dt.datetime) -> ImportedConsent:
        return ImportedConsent(
            customer_id=customer_id,
            channel=c.channel,
            granted=c.granted,
            source=c.source,
            stated_at=c.stated_at,
            raw=c.raw,
            job=self.job if self.job.pk else None,
            recorded_at=now,
        )
