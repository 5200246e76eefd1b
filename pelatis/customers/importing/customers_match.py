"""Matching the valid rows of a customer import to customers, on their keys alone: external reference,
then email, then phone, stored customers before earlier rows of the file (see the package docstring)."""

from __future__ import annotations

import functools
from array import array
from dataclasses import dataclass

from ..models import ContactPoint, Customer
from ..services.customers import PROFILE_FIELDS
from .common import IN_CHUNK, _chunks, customer_ids_by_point, customer_ids_by_ref
from .customers_rows import _Row
from .customers_write import _Slot

# What matching needs of a valid row: its number, the external reference it gives, its emails and phones.
_Key = tuple[int, str | None, tuple[str, ...], tuple[str, ...]]


class _SlotKey:
    """One customer the file creates or updates, as matching sees it: no row data, only keys."""

    __slots__ = ("customer_id", "index", "last", "ref", "ref_given", "rows")

    def __init__(self, index: int, customer_id: int | None, ref: str | None, rows: list[int]) -> None:
        self.index, self.customer_id, self.ref, self.rows = index, customer_id, ref, rows
        self.ref_given = bool(ref)
        self.last = 0  # position in the spill of its last row


@dataclass
class _Plan:
    slots: list[_SlotKey]
    slot_of: array[int]  # the slot of each valid row, in spill order

    @functools.cached_property
    def new(self) -> int:
        """How many new customers the plan creates (before the whole-customer checks)."""
        return sum(1 for s in self.slots if s.customer_id is None)


def plan_of(keys: list[_Key]) -> _Plan:
    """Which customer each valid row feeds: by external reference, then email, then phone,
    stored customers before earlier rows of the file (see the package docstring)."""
    by_ref, by_email, by_phone, refs_of = _existing(keys)
    plan = _Plan(slots=[], slot_of=array("l"))
    file_ref: dict[str, _SlotKey] = {}
    file_email: dict[str, _SlotKey] = {}
    file_phone: dict[str, _SlotKey] = {}
    db_slots: dict[int, _SlotKey] = {}

    def slot_ref(slot: _SlotKey) -> str | None:
        if slot.customer_id is not None and not slot.ref_given:
            return refs_of.get(slot.customer_id)
        return slot.ref

    for index, (row_no, ref, emails, phones) in enumerate(keys):
        slot: _SlotKey | None = file_ref.get(ref) if ref else None
        cid: int | None = by_ref.get(ref) if ref and slot is None else None
        if slot is None and cid is None:
            # A stored owner of the email or phone comes before an earlier row that gave it.
            for value, file_map, db_map in [(e, file_email, by_email) for e in emails] + [
                (p, file_phone, by_phone) for p in phones
            ]:
                found = db_map.get(value)
                if found is not None and not (ref and refs_of.get(found) not in (None, ref)):
                    cid = found
                    break
                candidate = file_map.get(value)
                if candidate is not None and not (ref and slot_ref(candidate) not in (None, ref)):
                    slot = candidate
                    break
        if slot is None and cid is not None:
            slot = db_slots.get(cid)
        if slot is None:
            slot = _SlotKey(len(plan.slots), cid, ref, [row_no])
            plan.slots.append(slot)
            if cid is not None:
                db_slots[cid] = slot
        else:
            slot.rows.append(row_no)
            if ref:
                slot.ref, slot.ref_given = ref, True
        slot.last = index
        plan.slot_of.append(slot.index)
        if slot.ref and (slot.customer_id is None or slot.ref_given):
            file_ref.setdefault(slot.ref, slot)
        for e in emails:
            file_email.setdefault(e, slot)
        for p in phones:
            file_phone.setdefault(p, slot)
    return plan


def _existing(
    keys: list[_Key],
) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[int, str | None]]:
    """Existing customers by external reference, email and phone (lowest id wins), and their references."""
    if not Customer.objects.filter(merged_into__isnull=True).exists():
        return {}, {}, {}, {}
    by_ref = customer_ids_by_ref({ref for _row, ref, _e, _p in keys if ref})
    by_point: dict[str, dict[str, int]] = {"email": {}, "phone": {}}
    if ContactPoint.objects.exists():
        by_point["email"] = customer_ids_by_point(
            "email", {e for _r, _ref, emails, _p in keys for e in emails}
        )
        by_point["phone"] = customer_ids_by_point(
            "phone", {p for _r, _ref, _e, phones in keys for p in phones}
        )
    ids = sorted(set(by_point["email"].values()) | set(by_point["phone"].values()))
    refs_of: dict[int, str | None] = {cid: ref for ref, cid in by_ref.items()}
    for chunk in _chunks(ids, IN_CHUNK):
        refs_of.update(Customer.objects.filter(pk__in=chunk).values_list("id", "external_ref"))
    return by_ref, by_point["email"], by_point["phone"], refs_of


def overlay(slot: _Slot, row: _Row) -> None:
    """Lay a later row of the same customer over the slot: its given fields win, lists are added to."""
    for name in row.given & set(PROFILE_FIELDS):
        setattr(slot.data, name, getattr(row.data, name))
    for name in ("emails", "phones", "tags"):
        have = getattr(slot.data, name)
        have += [v for v in getattr(row.data, name) if v not in have]
    slot.given |= row.given
    slot.rows.append(row.row)
    if row.address:
        slot.addresses.append(row.address)
    slot.consents += row.consents
