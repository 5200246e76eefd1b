"""The order import: rows are order lines, grouped into orders by their reference.

Each row is validated with ``OrderInput.cleaned()`` and finds its customer by
reference, email or phone; the lines of one reference must share customer and
currency, or the whole order is skipped. New orders are bulk-inserted with
their lines, timeline entries and search terms (as ``order_create`` writes
them); an order whose reference exists is replaced, lines too (``orders_write``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..inputs import OrderInput, OrderLineInput
from ..models import Order
from ..normalise import email_normalise, phone_normalise
from .base import _FileImport
from .column_aliases import ORDER_COLUMNS
from .columns import header_key, parse_datetime, parse_decimal, text_of
from .common import (
    PROGRESS_EVERY,
    Cell,
    ImportFileError,
    RowError,
    customer_ids_by_point,
    customer_ids_by_ref,
)
from .orders_write import _Line, _OrderWrites
from .words import word_value

# The order's own fields: an export that writes them on an order's first line only is filled down.
_ORDER_FIELDS = ("reference", "customer_ref", "email", "phone", "placed_at", "currency", "status", "channel")


class _OrderImport(_FileImport, _OrderWrites):
    REQUIRED = ("reference", "placed_at", "product")

    COLUMNS = ORDER_COLUMNS

    def _prepare(self) -> None:
        """The order's columns are required; a platform may write them on an order's first line only."""
        platform = self.platform
        self.fill_down = bool(platform and platform.fill_down)
        for name in self.REQUIRED:
            if not self.cols.has(name):
                raise ImportFileError(
                    _("The column “%(column)s” is missing.") % {"column": name}, column=name
                )
        if not self.cols.has("unit_price") and not self.cols.has("line_total"):
            raise ImportFileError(
                _("The column “%(column)s” is missing.") % {"column": "unit_price"}, column="unit_price"
            )
        if not any(self.cols.has(c) for c in ("customer_ref", "email", "phone")):
            raise ImportFileError(
                _("No customer column found: give customer_ref, email or phone."), column="customer_ref"
            )
        self.carried: dict[str, Cell] = {}

    def _cell(self, cells: list[Cell], name: str) -> Cell:
        pos = self.cols.positions.get(name)
        if not pos or pos[0] >= len(cells):
            return ""
        value = cells[pos[0]]
        return value.strip() if isinstance(value, str) else value

    def _filled(self, cells: list[Cell]) -> list[Cell]:
        """The row with the order's fields taken from the order's first line where this line leaves them
        empty (Shopify, Odoo): a line without a reference belongs to the order above it."""
        reference = self._cell(cells, "reference")
        if reference not in ("", self.carried.get("reference")):
            self.carried = {}
        if not self.carried:
            self.carried = {name: self._cell(cells, name) for name in _ORDER_FIELDS}
            return cells
        out = list(cells)
        out += [""] * (len(self.cols.headers) - len(out))
        for name in _ORDER_FIELDS:
            pos = self.cols.positions.get(name)
            if pos and self._cell(out, name) == "":
                out[pos[0]] = self.carried.get(name, "")
        return out

    def run(self, *, skip_invalid: bool) -> None:
        errors = self.result.errors
        parsed: list[_Line] = []
        for i, (row_no, cells) in enumerate(self.table.rows):
            if self.samples and i < 50:
                self._sample(cells)
            row = self._parse(row_no, self._filled(cells) if self.fill_down else cells, errors)
            if row is not None:
                parsed.append(row)
            if i % PROGRESS_EVERY == 0:
                self.progress.at(0, i)
        with transaction.atomic():
            lines = self._resolve(parsed, errors)
            orders = self._group(lines, errors)
            write = not (errors and not skip_invalid) and not self.options.preview
            self._write(orders, write=write)
            if not write:
                transaction.set_rollback(True)
                return
            self.result.written = True
            self._audit()

    def _parse(self, row_no: int, cells: list[Cell], errors: list[RowError]) -> _Line | None:
        bad: list[RowError] = []
        header = self.cols.header

        def fail(column: str, message: str) -> None:
            bad.append(RowError(row_no, header(column), message))

        out: dict[str, Any] = {"reference": text_of(self._cell(cells, "reference"))}
        placed = self._cell(cells, "placed_at")
        if placed == "":
            fail("placed_at", _("The order date is missing."))
        else:
            try:
                out["placed_at"] = parse_datetime(placed, self.tz)
            except (ValueError, OverflowError):
                fail(
                    "placed_at",
                    _("“%(value)s” is not a date: use DD/MM/YYYY [HH:MM] or YYYY-MM-DD [HH:MM].")
                    % {"value": text_of(placed)},
                )
        numbers: dict[str, Decimal | None] = {}
        price_from_total = self.cols.has("line_total") and self._cell(cells, "unit_price") == ""
        for name, default in (
            ("quantity", Decimal("1")),
            ("line_total" if price_from_total else "unit_price", None),
        ):
            raw = self._cell(cells, name)
            if raw == "":
                if default is None:
                    fail(name, _("The price is missing."))
                numbers[name] = default
                continue
            try:
                number = numbers[name] = parse_decimal(raw)
            except ValueError:
                fail(name, _("“%(value)s” is not a number.") % {"value": text_of(raw)})
                continue
            if abs(number) >= 10**9:  # the columns hold 12 digits with 2 or 3 decimals
                fail(name, _("“%(value)s” is too large.") % {"value": text_of(raw)})
        line_total = numbers.get("line_total")
        if price_from_total and line_total is not None:
            count = numbers.get("quantity") or Decimal("1")
            numbers["unit_price"] = (line_total / count).quantize(Decimal("0.01")) if count else None
        status = text_of(self._cell(cells, "status"))
        currency = text_of(self._cell(cells, "currency")) or settings.PELATIS_DEFAULT_CURRENCY
        currency = "EUR" if currency == "€" or header_key(currency) in ("ευρω", "euro") else currency
        price, quantity = numbers.get("unit_price"), numbers.get("quantity")
        line = OrderLineInput(
            name=text_of(self._cell(cells, "product")),
            unit_price=Decimal("0") if price is None else price,
            quantity=Decimal("1") if quantity is None else quantity,
            sku=text_of(self._cell(cells, "sku")),
            category=text_of(self._cell(cells, "category")),
        )
        data = OrderInput(
            reference=out["reference"],
            placed_at=out.get("placed_at") or timezone.now(),
            lines=[line],
            currency=currency,
            status=(word_value("status", status) or status.lower()) if status else Order.Status.PAID,
            channel=text_of(self._cell(cells, "channel")),
        )
        try:
            clean = data.cleaned()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    if name == "lines":
                        if not line.name:
                            column = "product"
                        elif numbers.get("quantity") is not None and Decimal(str(line.quantity)) <= 0:
                            column = "quantity"
                        else:
                            column = "unit_price"
                        message = re.sub(
                            r"^[^:]*\d[^:]*:\s*", "", message
                        )  # "Line 1: " means nothing in a file
                        message = message[:1].upper() + message[1:]
                    else:
                        column = "placed_at" if name == "placed_at" else name
                    fail(column, message)
            clean = None
        keys = {}
        for name in ("customer_ref", "email", "phone"):
            value = text_of(self._cell(cells, name))
            if not value:
                continue
            try:
                keys[name] = (
                    email_normalise(value)
                    if name == "email"
                    else phone_normalise(value)
                    if name == "phone"
                    else value
                )
            except ValueError as exc:
                fail(name, str(exc))
        if not keys and not bad:
            fail(
                next(c for c in ("customer_ref", "email", "phone") if self.cols.has(c)),
                _("The customer is missing: give the customer's reference, email or phone."),
            )
        if bad or clean is None:  # no clean input without an error naming why
            errors.extend(bad)
            return None
        # Kept compact (one line, no customer yet): every valid row of the file waits here for matching.
        return _Line(
            row_no,
            clean.reference,
            0,
            clean.placed_at,
            clean.currency,
            clean.status,
            clean.channel,
            clean.lines[0],
            "",
            tuple(keys.items()),
        )

    def _resolve(self, parsed: list[_Line], errors: list[RowError]) -> list[_Line]:
        """Find each row's customer by reference, then email, then phone."""
        wanted: dict[str, set[str]] = {"customer_ref": set(), "email": set(), "phone": set()}
        for p in parsed:
            for name, value in p.keys:
                wanted[name].add(value)
        found = {
            "customer_ref": customer_ids_by_ref(wanted["customer_ref"]),
            "email": customer_ids_by_point("email", wanted["email"]),
            "phone": customer_ids_by_point("phone", wanted["phone"]),
        }
        lines = []
        for line in parsed:
            keys = dict(line.keys)
            line.keys = ()
            match = next(((name, found[name][v]) for name, v in keys.items() if v in found[name]), None)
            if match is None:
                name, value = next(iter(keys.items()))
                messages = {
                    "customer_ref": _("No customer with the reference “%(value)s”."),
                    "email": _("No customer with the email “%(value)s”."),
                    "phone": _("No customer with the phone “%(value)s”."),
                }
                errors.append(RowError(line.row, self.cols.header(name), messages[name] % {"value": value}))
                continue
            line.customer_id, line.customer_column = match[1], self.cols.header(match[0])
            lines.append(line)
        return lines

    def _group(self, lines: list[_Line], errors: list[RowError]) -> list[list[_Line]]:
        """The lines of each reference, the first line's customer and currency holding for all."""
        groups: dict[str, list[_Line]] = {}
        for line in lines:
            groups.setdefault(line.reference, []).append(line)
        bad_refs = {e.row for e in errors}
        ref_of_row = {}
        if bad_refs:  # the file is read again for the references of the bad rows only
            for row_no, cells in self.table.rows:
                if row_no in bad_refs:
                    ref = text_of(self._cell(cells, "reference"))
                    if ref:
                        ref_of_row[row_no] = ref
        broken = {ref_of_row[r] for r in bad_refs if r in ref_of_row}
        orders = []
        for ref, group in groups.items():
            first = group[0]
            ok = ref not in broken
            for line in group[1:]:
                if line.customer_id != first.customer_id:
                    errors.append(
                        RowError(
                            line.row,
                            line.customer_column,
                            _("Order %(ref)s already belongs to another customer (row %(row)d).")
                            % {"ref": ref, "row": first.row},
                        )
                    )
                    ok = False
                elif line.currency != first.currency:
                    errors.append(
                        RowError(
                            line.row,
                            self.cols.header("currency"),
                            _("Order %(ref)s is in %(currency)s (row %(row)d).")
                            % {"ref": ref, "currency": first.currency, "row": first.row},
                        )
                    )
                    ok = False
            if ok:
                orders.append(group)
            else:
                failed = {e.row for e in errors}
                for line in group:
                    if line.row not in failed:
                        errors.append(
                            RowError(
                                line.row,
                                self.cols.header("reference"),
                                _("Skipped: another line of order %(ref)s is invalid.") % {"ref": ref},
                            )
                        )
        return orders
