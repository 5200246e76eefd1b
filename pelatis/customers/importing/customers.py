"""The customer import: validate each row, then match rows to new or existing customers, then write.

A row is read and validated by ``customers_rows`` (``CustomerInput.cleaned()``); rows find existing
customers by external reference, then email, then phone (``customers_match``), and rows of one file for
the same customer are laid over each other (see the package docstring for the rules). What the rows
come to is written by ``customers_write`` and ``customers_update``.
"""

from __future__ import annotations

import pickle
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..inputs import CustomerInput
from ..models import ContactPoint, Customer, ImportJob, Interaction, SearchTerm
from ..services.customers import PROFILE_FIELDS
from .base import _FileImport
from .column_aliases import CUSTOMER_COLUMNS
from .columns import header_key
from .common import (
    CHUNK,
    IN_CHUNK,
    PROGRESS_EVERY,
    ImportFileError,
    RowError,
    _batches,
    _indexes_deferred,
    _timed,
)
from .customers_match import _Key, _Plan, overlay, plan_of
from .customers_rows import _CustomerRows, _Row
from .customers_update import _CustomerUpdates
from .customers_write import _Slot


class _CustomerImport(_FileImport, _CustomerRows, _CustomerUpdates):
    COLUMNS = CUSTOMER_COLUMNS

    def _prepare(self) -> None:
        """A name column is required; where the row's values, address and consents are found."""
        table, platform = self.table, self.platform
        if not any(self.cols.has(c) for c in ("first_name", "last_name", "full_name", "company")):
            raise ImportFileError(
                _(
                    "No name column found: the file needs a column such as first_name, last_name, "
                    "company, Όνομα, Επώνυμο or Εταιρεία."
                )
            )
        self.address_warned = False
        positions = self.cols.positions
        self.single = [
            (name, pos[0])
            for name, pos in positions.items()
            if name not in ("email", "phone", "consent_date")
        ]
        self.email_pos, self.phone_pos = positions.get("email", []), positions.get("phone", [])
        self.consent_date_pos = positions.get("consent_date", [])
        self.packed_pos = next(
            (
                i
                for i, h in enumerate(table.headers)
                if platform and platform.packed_address and h == platform.packed_address
            ),
            None,
        )
        self.has_address = self.packed_pos is not None or any(
            name in positions for name in ("address", "address2", "city", "region", "postcode", "country")
        )
        defaults = dict(platform.defaults) if platform else {}
        if (
            platform is not None
            and platform.name == "mailchimp"
            and "cleantime" in {header_key(h) for h in table.headers}
        ):
            defaults.pop("email_consent", None)  # a cleaned-members export says nothing of consent
        self.defaults = defaults
        self.consent_source = platform.name if platform else "file"

    def run(self, *, skip_invalid: bool) -> None:
        """Validate every row (streamed from the file to a spill file on disk), match the rows to
        customers on their keys alone, then read the spill back to check and write each customer."""
        errors = self.result.errors
        with tempfile.TemporaryFile() as spill:
            keys: list[_Key] = []
            with _timed(self.result, "validate"):
                for i, (row_no, cells) in enumerate(self.table.rows):
                    if self.samples and i < 50:
                        self._sample(cells)
                    row = self._parse(row_no, cells, errors)
                    if row is not None:
                        spill.write(pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))
                        data = row.data
                        keys.append(
                            (
                                row.row,
                                data.external_ref if "external_ref" in row.given else None,
                                tuple(data.emails),
                                tuple(data.phones),
                            )
                        )
                    if i % PROGRESS_EVERY == 0:
                        self.progress.at(0, i)
            with transaction.atomic():
                with _timed(self.result, "match"):
                    plan = plan_of(keys)
                del keys
                # A preview counts what the valid rows would do and writes nothing (a rejected file neither).
                write = not (errors and not skip_invalid) and not self.options.preview
                self._write(plan, spill, write=write)
                if not write:
                    transaction.set_rollback(True)
                    return
                self.result.written = True
                self._audit()

    def _write(self, plan: _Plan, spill: IO[bytes], *, write: bool) -> None:
        """Check every planned customer as a whole and, when ``write``, write it: the new ones first,
        in chunks (on SQLite with the indexes built once after a big first load), then the existing
        ones. Counts created, updated and unchanged customers either way."""
        now = timezone.now()
        self.tag_ids = {}
        created = updated = unchanged = rows_in = 0
        with _indexes_deferred(plan.new if write else 0, Customer, ContactPoint, SearchTerm, Interaction):
            for chunk in _batches(self._checked(self._assembled(plan, spill, new=True), {}), CHUNK):
                if write:
                    self._create(chunk, now, self._tags_for(chunk))
                created += len(chunk)
                rows_in += sum(len(s.rows) for s in chunk)
                self.progress.at(1, rows_in)
            started = time.perf_counter()
        self.result.timings["index rebuild"] = time.perf_counter() - started
        with _timed(self.result, "update"):
            for chunk in _batches(self._assembled(plan, spill, new=False), IN_CHUNK):
                stored = Customer.objects.in_bulk([s.customer_id for s in chunk])
                good = list(self._checked(iter(chunk), stored))
                if good:
                    self.loaded = stored
                    changed = self._update(
                        good, now, self._tags_for(good) if write else self._tags_known(good), write=write
                    )
                    updated += changed
                    unchanged += len(good) - changed
                rows_in += sum(len(s.rows) for s in good)
                self.progress.at(1, rows_in)
        if write:
            ImportJob.objects.filter(pk=self.job.pk).update(applied_at=now)
        self.result.created, self.result.updated, self.result.unchanged = created, updated, unchanged

    def _assembled(self, plan: _Plan, spill: IO[bytes], *, new: bool) -> Iterator[_Slot]:
        """The new (or the existing) customers of the plan as whole slots, read back from the spill:
        a customer's rows laid over each other, each slot given when its last row is read."""
        if (plan.new if new else len(plan.slots) - plan.new) == 0:
            return  # nothing of this kind: no need to read the spill
        spill.seek(0)
        open_slots: dict[int, _Slot] = {}
        for index, slot_index in enumerate(plan.slot_of):
            row: _Row = pickle.load(spill)  # noqa: S301 — the spill is our own temporary file, written above
            key = plan.slots[slot_index]
            if (key.customer_id is None) != new:
                continue
            slot = open_slots.pop(slot_index, None)
            if slot is None:
                # The row's cleaned input is ours alone: the slot takes it over.
                slot = _Slot(
                    data=row.data,
                    given=set(row.given),
                    rows=[row.row],
                    addresses=[row.address] if row.address else [],
                    customer_id=key.customer_id,
                    consents=list(row.consents),
                )
            else:
                overlay(slot, row)
            if index == key.last:
                yield slot
            else:
                open_slots[slot_index] = slot

    def _checked(self, slots: Iterator[_Slot], stored: dict[int, Customer]) -> Iterator[_Slot]:
        """The slots whose customer, as several rows or a row laid over its stored profile make it,
        is still valid as a whole; the others become errors on their last row. ``stored``: the existing
        customers of the slots by id (none for new customers)."""
        for slot in slots:
            if slot.customer_id is not None:
                have = stored[slot.customer_id]
                self._resolve(slot, have)
                merged = CustomerInput(
                    **{
                        f: slot.changes[f][1] if f in slot.changes else getattr(have, f)
                        for f in PROFILE_FIELDS
                    }
                )
            elif len(slot.rows) > 1:
                merged = replace(slot.data, emails=[], phones=[], tags=[])
            else:
                yield slot
                continue
            try:
                merged.cleaned()
            except ValidationError as exc:
                self.result.errors.extend(self._field_errors(slot.rows[-1], exc, [], []))
                self.result.errors.extend(
                    RowError(
                        r,
                        "",
                        _("Skipped: row %(row)d for the same customer is invalid.") % {"row": slot.rows[-1]},
                    )
                    for r in slot.rows[:-1]
                )
            else:
                yield slot
