"""The customer import: validate each row, then match rows to new or existing customers.

A row is validated with ``CustomerInput.cleaned()``; rows find existing
customers by external reference, then email, then phone, and rows of one file
for the same customer are laid over each other (see the package docstring for
the rules). What the rows come to is written by ``customers_write``.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import re
import tempfile
import time
import zoneinfo
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..inputs import CustomerInput
from ..locale_values import value_from_label
from ..models import ContactPoint, Customer, ImportJob, Interaction, SearchTerm
from .columns import (
    _SPLIT,
    _SPLIT_PHONES,
    CUSTOMER_COLUMNS,
    _word,
    country_code,
    header_key,
    language_code,
    map_headers,
    parse_date,
    parse_datetime,
    text_of,
)
from .common import (
    CHUNK,
    IN_CHUNK,
    MAX_SAMPLES,
    PROGRESS_EVERY,
    Cell,
    ImportFileError,
    ImportOptions,
    ImportResult,
    RowError,
    User,
    _batches,
    _chunks,
    _indexes_deferred,
    _Progress,
    _timed,
    columns_of,
)
from .customers_write import _SCALARS, _Address, _Consent, _CustomerWrites, _Slot
from .infer import infer_locale
from .platforms import Platform
from .read import Table

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


@dataclass
class _Row:
    row: int
    data: CustomerInput  # cleaned
    given: frozenset[str]  # CustomerInput fields the file gave a value for
    address: _Address | None
    consents: tuple[_Consent, ...] = ()


# CustomerInput field → import column that gives it (for naming columns in errors)
_FIELD_COLUMN = {"company_name": "company", "vat_number": "vat", "emails": "email", "phones": "phone"}
_TEXT_COLUMNS = (
    "category",
    "title",
    "first_name",
    "last_name",
    "job_title",
    "time_zone",
    "preferred_channel",
    "notes",
    "external_ref",
)


class _CustomerImport(_CustomerWrites):
    def __init__(
        self,
        *,
        table: Table,
        file_name: str,
        actor: User | None,
        job: ImportJob,
        result: ImportResult,
        progress: _Progress,
        options: ImportOptions | None = None,
        platform: Platform | None = None,
    ) -> None:
        self.table, self.file_name, self.actor, self.job, self.result, self.progress = (
            table,
            file_name,
            actor,
            job,
            result,
            progress,
        )
        self.options = options or ImportOptions()
        self.platform = platform
        overrides = platform.overrides() if platform else {}
        overrides.update({header_key(h): f for h, f in self.options.mapping.items()})
        self.cols = map_headers(table.headers, CUSTOMER_COLUMNS, overrides=overrides)
        result.warnings = self.cols.warnings
        self.samples: dict[int, list[str]] = {i: [] for i in self.cols.unknown}
        result.columns = columns_of(self.cols, {})
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
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    # ---- validation

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
                    plan = self._match(keys)
                del keys
                # A preview counts what the valid rows would do and writes nothing (a rejected file neither).
                write = not (errors and not skip_invalid) and not self.options.preview
                self._write(plan, spill, write=write)
                if not write:
                    transaction.set_rollback(True)
                    return
                self.result.written = True

    def _values(self, cells: list[Cell]) -> dict[str, Cell]:
        """The row's non-empty single-column values by column name."""
        out: dict[str, Cell] = {}
        size = len(cells)
        for name, i in self.single:
            if i < size:
                value = cells[i]
                if isinstance(value, str):
                    value = value.strip()
                    if value:
                        out[name] = value
                else:
                    out[name] = value
        return out

    def _sample(self, cells: list[Cell]) -> None:
        """A few values of each unknown column, for the preview's mapping step."""
        for i, found in self.samples.items():
            if len(found) < MAX_SAMPLES and i < len(cells):
                value = text_of(cells[i])[:60]
                if value and value not in found:
                    found.append(value)

    def _parse(self, row_no: int, cells: list[Cell], errors: list[RowError]) -> _Row | None:
        values = self._values(cells)
        for name, default in self.defaults.items():
            values.setdefault(name, default)
        fields: dict[str, Any] = {name: text_of(values[name]) for name in _TEXT_COLUMNS if name in values}
        bad: list[RowError] = []

        def fail(column: str, message: str) -> None:
            bad.append(RowError(row_no, self.cols.header(column), message))

        if "kind" in values:
            kind = text_of(values["kind"])
            word = _word("kind", kind)
            if word is None and (yes_no := _word("formal", kind)):  # Odoo's "Is a Company": True / False
                word = Customer.Kind.COMPANY if yes_no == "yes" else Customer.Kind.PERSON
            fields["kind"] = word or kind
        if "company" in values:
            fields["company_name"] = text_of(values["company"])
        if "full_name" in values and "first_name" not in fields and "last_name" not in fields:
            full = text_of(values["full_name"])
            if fields.get("kind") == Customer.Kind.COMPANY and not fields.get("company_name"):
                fields["company_name"] = full  # a company's "Name" (Odoo) is its name
            else:
                first, _sep, last = full.partition(" ")
                fields["first_name"], fields["last_name"] = (first, last) if last else ("", first)
        if (
            "kind" not in fields
            and "company_name" in fields
            and not (fields.get("first_name") or fields.get("last_name"))
        ):
            fields["kind"] = Customer.Kind.COMPANY
        if "category" in fields:
            fields["category"] = (
                _word("category", fields["category"])
                or value_from_label("category", fields["category"])
                or fields["category"]
            )
        if (
            "preferred_channel" in fields
        ):  # a code, or its label as an export for people writes it («Τηλέφωνο»)
            fields["preferred_channel"] = (
                value_from_label("preferred_channel", fields["preferred_channel"])
                or fields["preferred_channel"].lower()
            )
        if (
            "language" in values
        ):  # a code, a locale, or a language's name in any of our languages («Ολλανδικά»)
            language = text_of(values["language"])
            fields["language"] = value_from_label("language", language) or language_code(language)
        if "formal" in values:
            word = _word("formal", text_of(values["formal"]))
            if word is None:
                fail("formal", _("“%(value)s” is not yes or no.") % {"value": text_of(values["formal"])})
            else:
                fields["formal"] = word == "yes"
        if "birthday" in values:
            try:
                fields["birthday"] = parse_date(values["birthday"])
            except ValueError:
                fail(
                    "birthday",
                    _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD.")
                    % {"value": text_of(values["birthday"])},
                )
        if "vat" in values:
            fields["vat_number"] = text_of(values["vat"])
        given = set(fields)
        emails = self._many(cells, self.email_pos, _SPLIT)
        phones = self._many(cells, self.phone_pos, _SPLIT_PHONES)
        tags = (
            [t for t in (t.strip().strip('"').strip() for t in _SPLIT.split(text_of(values["tags"]))) if t]
            if "tags" in values
            else []
        )
        address, region = self._address(values, cells, fail) if self.has_address else (None, None)
        consents = self._consents(values, cells, fail)
        data = CustomerInput(
            **fields, emails=[v for _h, v in emails], phones=[v for _h, v in phones], tags=tags
        )
        try:
            clean = data.cleaned(region=region)
        except ValidationError as exc:
            bad += self._field_errors(row_no, exc, emails, phones)
        else:
            # A size cleaned() leaves unchecked (PostgreSQL would refuse the whole import).
            for email in clean.emails:
                if len(email) > 254:
                    fail("email", _("At most %(n)d characters.") % {"n": 254})
        if bad:
            errors.extend(bad)
            return None
        if clean.emails:
            given.add("emails")
        if clean.phones:
            given.add("phones")
        if clean.tags:
            given.add("tags")
        if "language" not in given or "time_zone" not in given:
            # Only a new customer takes these: they are not "given", so a stored profile keeps its own.
            language, zone = infer_locale(country=region, phones=clean.phones)
            if language and "language" not in given:
                clean.language = language
            if zone and "time_zone" not in given:
                clean.time_zone = zone
        return _Row(row_no, clean, frozenset(given), address, tuple(consents))

    def _consents(
        self, values: dict[str, Cell], cells: list[Cell], fail: Callable[[str, str], None]
    ) -> list[_Consent]:
        """Marketing consent as the row states it (yes, no, or withdrawn on a date), with its date."""
        out: list[_Consent] = []
        stated_at = None
        for pos in self.consent_date_pos:
            if pos < len(cells) and (cell := cells[pos]) not in ("", None):
                stated_at = self._moment(cell, "consent_date", fail)
                if stated_at is not None:
                    break
        withdrawn_at = (
            self._moment(values["unsubscribed_at"], "unsubscribed_at", fail)
            if "unsubscribed_at" in values
            else None
        )
        unsubscribed = self._yes_no(values, "unsubscribed", fail)
        for channel, column in (("email", "email_consent"), ("sms", "sms_consent")):
            granted = self._yes_no(values, column, fail)
            raw = text_of(values[column]) if column in values else ""
            if channel == "email" and (withdrawn_at is not None or unsubscribed is True):
                granted, stated_at_channel = False, withdrawn_at
                raw = text_of(values.get("unsubscribed_at") or values.get("unsubscribed") or "")
            else:
                stated_at_channel = stated_at
            if granted is not None:
                out.append(_Consent(channel, granted, self.consent_source, stated_at_channel, raw[:200]))
        return out

    def _yes_no(self, values: dict[str, Cell], column: str, fail: Callable[[str, str], None]) -> bool | None:
        if column not in values:
            return None
        text = text_of(values[column])
        word = _word("consent", text)
        if word is None:
            fail(column, _("“%(value)s” is not yes or no.") % {"value": text})
            return None
        return None if word == "none" else word == "yes"

    def _moment(self, cell: Cell, column: str, fail: Callable[[str, str], None]) -> dt.datetime | None:
        try:
            return parse_datetime(cell, self.tz)
        except (ValueError, OverflowError):
            fail(
                column,
                _("“%(value)s” is not a date: use DD/MM/YYYY [HH:MM] or YYYY-MM-DD [HH:MM].")
                % {"value": text_of(cell)},
            )
            return None

    def _many(
        self, cells: list[Cell], positions: list[int], splitter: re.Pattern[str]
    ) -> list[tuple[str, str]]:
        out = []
        for pos in positions:
            if pos < len(cells) and cells[pos]:
                out += [(self.table.headers[pos], v) for v in splitter.split(text_of(cells[pos])) if v]
        return out

    def _address(
        self,
        values: dict[str, Cell],
        cells: list[Cell],
        fail: Callable[[str, str], None],
    ) -> tuple[_Address | None, str | None]:
        line1, line2, city, region_name, postcode, country_text = (
            text_of(values.get(n, ""))
            for n in ("address", "address2", "city", "region", "postcode", "country")
        )
        if self.packed_pos is not None and self.packed_pos < len(cells) and not line1:
            # Mailchimp writes the whole address in one cell: street, line 2, city, state, zip, country.
            parts = [p.strip() for p in text_of(cells[self.packed_pos]).split("  ")]
            if len(parts) == 6:
                line1, line2, city, region_name, postcode = parts[0], parts[1], parts[2], parts[3], parts[4]
                country_text = country_text or parts[5]
            elif parts and parts[0]:
                line1 = " ".join(p for p in parts if p)
        country = settings.PELATIS_DEFAULT_REGION
        if country_text:
            found = country_code(country_text) or value_from_label("country", country_text)
            if found is None:
                fail("country", _("Use a two-letter country code such as GR."))
            else:
                country = found
        region = country if country_text else None
        if not line1:
            if (city or postcode) and not self.address_warned:
                self.address_warned = True
                self.result.warnings.append(
                    RowError(
                        1,
                        self.cols.header("city" if city else "postcode"),
                        _(
                            "Rows with a city or postcode but no street keep no address (an address needs a street)."
                        ),
                    )
                )
            return None, region
        return _Address(
            line1[:200], city[:100], postcode[:20], country, line2[:200], region_name[:100]
        ), region

    def _field_errors(
        self, row_no: int, exc: ValidationError, emails: list[tuple[str, str]], phones: list[tuple[str, str]]
    ) -> list[RowError]:
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                column = _FIELD_COLUMN.get(name, name)
                header = self.cols.header(column)
                if name in ("emails", "phones"):
                    pairs = emails if name == "emails" else phones
                    header = next((h for h, v in pairs if f"“{v.strip()}”" in message), header)
                elif name == "last_name" and not self.cols.has("last_name"):
                    header = self.cols.header(
                        next(
                            (c for c in ("first_name", "full_name", "company") if self.cols.has(c)),
                            "last_name",
                        )
                    )
                elif name == "company_name" and not self.cols.has("company"):
                    header = self.cols.header("kind")
                out.append(RowError(row_no, header, message))
        return out

    # ---- writing

    def _write(self, plan: _Plan, spill: IO[bytes], *, write: bool) -> None:
        """Check every planned customer as a whole and, when ``write``, write it: the new ones first,
        in chunks (on SQLite with the indexes built once after a big first load), then the existing
        ones. Counts created, updated and unchanged customers either way."""
        now = timezone.now()
        self.tag_ids = {}
        created = updated = unchanged = rows_in = 0
        with _indexes_deferred(plan.new if write else 0, Customer, ContactPoint, SearchTerm, Interaction):
            for chunk in _batches(self._checked(self._assembled(plan, spill, new=True)), CHUNK):
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

    # ---- matching

    def _match(self, keys: list[_Key]) -> _Plan:
        """Which customer each valid row feeds: by external reference, then email, then phone,
        stored customers before earlier rows of the file (see the package docstring)."""
        by_ref, by_email, by_phone, refs_of = self._existing(keys)
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

    def _assembled(self, plan: _Plan, spill: IO[bytes], *, new: bool) -> Iterator[_Slot]:
        """The new (or the existing) customers of the plan as whole slots, read back from the spill:
        a customer's rows laid over each other, each slot given when its last row is read."""
        if (plan.new if new else len(plan.slots) - plan.new) == 0:
            return  # nothing of this kind: no need to read the spill
        spill.seek(0)
        open_slots: dict[int, _Slot] = {}
        for index, slot_index in enumerate(plan.slot_of):
            row: _Row = pickle.load(spill)
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
                self._overlay(slot, row)
            if index == key.last:
                yield slot
            else:
                open_slots[slot_index] = slot

    def _checked(self, slots: Iterator[_Slot], stored: dict[int, Customer] | None = None) -> Iterator[_Slot]:
        """The slots whose customer, as several rows or a row laid over its stored profile make it,
        is still valid as a whole; the others become errors on their last row."""
        for slot in slots:
            if slot.customer_id is not None:
                assert stored is not None
                have = stored[slot.customer_id]
                self._resolve(slot, have)
                merged = CustomerInput(
                    **{f: slot.changes[f][1] if f in slot.changes else getattr(have, f) for f in _SCALARS}
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

    @staticmethod
    def _overlay(slot: _Slot, row: _Row) -> None:
        for name in row.given & set(_SCALARS):
            setattr(slot.data, name, getattr(row.data, name))
        for name in ("emails", "phones", "tags"):
            have = getattr(slot.data, name)
            have += [v for v in getattr(row.data, name) if v not in have]
        slot.given |= row.given
        slot.rows.append(row.row)
        if row.address:
            slot.addresses.append(row.address)
        slot.consents += row.consents

    @staticmethod
    def _existing(
        keys: list[_Key],
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[int, str | None]]:
        """Existing customers by external reference, email and phone (lowest id wins), and their references."""
        live = Customer.objects.filter(merged_into__isnull=True)
        refs = sorted({ref for _row, ref, _e, _p in keys if ref})
        by_ref: dict[str, int] = {}
        if not live.exists():
            return {}, {}, {}, {}
        for chunk in _chunks(refs, IN_CHUNK):
            by_ref.update(live.filter(external_ref__in=chunk).values_list("external_ref", "id"))
        by_point: dict[str, dict[str, int]] = {"email": {}, "phone": {}}
        if ContactPoint.objects.exists():
            for kind, values in (
                ("email", {e for _r, _ref, emails, _p in keys for e in emails}),
                ("phone", {p for _r, _ref, _e, phones in keys for p in phones}),
            ):
                found = by_point[kind]
                for chunk in _chunks(sorted(values), IN_CHUNK):
                    points = ContactPoint.objects.filter(
                        kind=kind, value__in=chunk, customer__merged_into__isnull=True
                    )
                    for value, cid in points.order_by("-customer_id").values_list("value", "customer_id"):
                        found[value] = cid
        ids = sorted(set(by_point["email"].values()) | set(by_point["phone"].values()))
        refs_of: dict[int, str | None] = {cid: ref for ref, cid in by_ref.items()}
        for chunk in _chunks(ids, IN_CHUNK):
            refs_of.update(Customer.objects.filter(pk__in=chunk).values_list("id", "external_ref"))
        return by_ref, by_point["email"], by_point["phone"], refs_of
