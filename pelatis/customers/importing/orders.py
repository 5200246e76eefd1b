"""The order import: rows are order lines, grouped into orders by their reference.

Each row is validated with ``OrderInput.cleaned()`` and finds its customer by
reference, email or phone; the lines of one reference must share customer and
currency, or the whole order is skipped. New orders are bulk-inserted with
their lines, timeline entries and search terms (as ``order_create`` writes
them); an order whose reference exists is replaced, lines too.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis import lang
from pelatis.core.formatting import format_money

from ..inputs import OrderInput, OrderLineInput
from ..models import (
    ContactPoint,
    Customer,
    ImportChange,
    ImportJob,
    Interaction,
    Order,
    OrderLine,
    SearchTerm,
)
from ..normalise import email_normalise, phone_normalise
from ..services.derived import search_reindex
from .columns import ORDER_COLUMNS, _word, header_key, map_headers, parse_datetime, parse_decimal, text_of
from .common import (
    CHUNK,
    IN_CHUNK,
    MAX_PREVIEW_CHANGES,
    MAX_SAMPLES,
    PROGRESS_EVERY,
    Cell,
    ImportFileError,
    ImportOptions,
    ImportResult,
    RowError,
    User,
    _chunks,
    _Progress,
    columns_of,
)
from .platforms import Platform
from .read import Table


@dataclass(slots=True)
class _Line:
    row: int
    reference: str
    customer_id: int
    placed_at: dt.datetime
    currency: str
    status: str
    channel: str
    line: OrderLineInput
    customer_column: str
    keys: tuple[tuple[str, str], ...] = ()  # how the row names its customer, until it is found


# The order's own fields: an export that writes them on an order's first line only is filled down.
_ORDER_FIELDS = ("reference", "customer_ref", "email", "phone", "placed_at", "currency", "status", "channel")
_COMPARED = ("customer_id", "placed_at", "currency", "status", "channel", "total")


class _OrderImport:
    REQUIRED = ("reference", "placed_at", "product")

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
        overrides = platform.overrides() if platform else {}
        overrides.update({header_key(h): f for h, f in self.options.mapping.items()})
        self.cols = map_headers(table.headers, ORDER_COLUMNS, overrides=overrides)
        self.samples: dict[int, list[str]] = {i: [] for i in self.cols.unknown}
        self.fill_down = bool(platform and platform.fill_down)
        result.warnings = self.cols.warnings
        result.columns = columns_of(self.cols, {})
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
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
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
                for pos, found in self.samples.items():
                    if (
                        len(found) < MAX_SAMPLES
                        and pos < len(cells)
                        and (value := text_of(cells[pos])[:60])
                        and value not in found
                    ):
                        found.append(value)
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
        numbers = {}
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
                numbers[name] = parse_decimal(raw)
            except ValueError:
                fail(name, _("“%(value)s” is not a number.") % {"value": text_of(raw)})
                continue
            if abs(numbers[name]) >= 10**9:  # the columns hold 12 digits with 2 or 3 decimals
                fail(name, _("“%(value)s” is too large.") % {"value": text_of(raw)})
        if price_from_total and numbers.get("line_total") is not None:
            quantity = numbers.get("quantity") or Decimal("1")
            numbers["unit_price"] = (
                (numbers["line_total"] / quantity).quantize(Decimal("0.01")) if quantity else None
            )
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
            status=(_word("status", status) or status.lower()) if status else Order.Status.PAID,
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
        if bad:
            errors.extend(bad)
            return None
        assert clean is not None
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
        live = Customer.objects.filter(merged_into__isnull=True)
        found: dict[str, dict[str, int]] = {name: {} for name in wanted}
        for chunk in _chunks(sorted(wanted["customer_ref"]), IN_CHUNK):
            found["customer_ref"].update(
                live.filter(external_ref__in=chunk).values_list("external_ref", "id")
            )
        for name in ("email", "phone"):
            for chunk in _chunks(sorted(wanted[name]), IN_CHUNK):
                points = ContactPoint.objects.filter(
                    kind=name, value__in=chunk, customer__merged_into__isnull=True
                )
                for value, cid in points.order_by("-customer_id").values_list("value", "customer_id"):
                    found[name][value] = cid
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

    def _write(self, orders: list[list[_Line]], *, write: bool) -> None:
        """New orders are created; an order whose reference exists and differs is replaced only when the
        import overwrites (else kept, and listed as such in the preview). Counts either way."""
        refs = [g[0].reference for g in orders]
        existing: dict[str, Order] = {}
        for chunk in _chunks(refs, IN_CHUNK):
            existing.update((o.reference, o) for o in Order.objects.filter(reference__in=chunk))
        new = [g for g in orders if g[0].reference not in existing]
        old = [g for g in orders if g[0].reference in existing]
        done = 0
        if write:
            for chunk in _chunks(new, CHUNK):
                self._create(chunk)
                done += sum(len(g) for g in chunk)
                self.progress.at(1, done)
        replace: list[list[_Line]] = []
        snapshots: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        unchanged = 0
        stored_lines = self._stored_lines([existing[g[0].reference].pk for g in old])
        names: dict[int, str] = {}
        for g in old:
            order = existing[g[0].reference]
            before = self._snapshot_of(order, stored_lines.get(order.pk, []))
            after = self._snapshot_of_group(g)
            differ = [f for f in (*_COMPARED, "lines") if before[f] != after[f]]
            if not differ:
                unchanged += 1
                continue
            kept = "" if self.options.overwrite else "filled"
            if len(self.result.changes) < MAX_PREVIEW_CHANGES:
                if not names:
                    ids = {o.customer_id for o in existing.values()} | {
                        ln.customer_id for grp in old for ln in grp
                    }
                    names = dict(
                        Customer.objects.filter(pk__in=list(ids)[: IN_CHUNK * 4]).values_list(
                            "pk", "display_name"
                        )
                    )
                self.result.changes.append(
                    {
                        "id": order.pk,
                        "name": order.reference,
                        "rows": [ln.row for ln in g][:5],
                        "added": [],
                        "fields": [
                            {
                                "field": "customer" if f == "customer_id" else f,
                                "before": self._shown(f, before[f], names),
                                "after": self._shown(f, after[f], names),
                                "kept": kept,
                            }
                            for f in differ
                        ],
                    }
                )
            if kept:
                unchanged += 1
            else:
                replace.append(g)
                snapshots[order.pk] = (before, after)
        if write:
            ImportJob.objects.filter(pk=self.job.pk).update(applied_at=timezone.now())
        if write and replace:
            self._update(replace, existing)
            ImportChange.objects.bulk_create(
                [
                    ImportChange(
                        job=self.job,
                        action=ImportChange.Action.ORDER_REPLACED,
                        object_id=pk,
                        before=b,
                        after=a,
                    )
                    for pk, (b, a) in snapshots.items()
                ],
                batch_size=500,
            )
        self.result.created, self.result.updated, self.result.unchanged = len(new), len(replace), unchanged

    @staticmethod
    def _stored_lines(order_ids: list[int]) -> dict[int, list[list[str]]]:
        out: dict[int, list[list[str]]] = {}
        for chunk in _chunks(order_ids, IN_CHUNK):
            for oid, name, sku, category, quantity, price in (
                OrderLine.objects.filter(order_id__in=chunk)
                .order_by("id")
                .values_list("order_id", "name", "sku", "category", "quantity", "unit_price")
            ):
                out.setdefault(oid, []).append([name, sku, category, _num(quantity), _num(price)])
        return out

    @staticmethod
    def _snapshot_of(order: Order, lines: list[list[str]]) -> dict[str, Any]:
        return {
            "customer_id": order.customer_id,
            "placed_at": order.placed_at.isoformat(),
            "currency": order.currency,
            "status": order.status,
            "channel": order.channel,
            "total": _num(order.total),
            "lines": lines,
        }

    def _snapshot_of_group(self, group: list[_Line]) -> dict[str, Any]:
        first = group[0]
        return {
            "customer_id": first.customer_id,
            "placed_at": first.placed_at.isoformat(),
            "currency": first.currency,
            "status": first.status,
            "channel": first.channel,
            "total": _num(self._total(group)),
            "lines": [
                [
                    ln.line.name,
                    ln.line.sku,
                    ln.line.category,
                    _num(Decimal(str(ln.line.quantity))),
                    _num(Decimal(str(ln.line.unit_price))),
                ]
                for ln in group
            ],
        }

    @staticmethod
    def _shown(field: str, value: Any, names: dict[int, str]) -> str:
        if field == "customer_id":
            return names.get(value, f"#{value}")
        if field == "lines":
            return "; ".join(f"{qty} × {name}" for name, _sku, _cat, qty, _price in value)
        return str(value)

    @staticmethod
    def _total(group: list[_Line]) -> Decimal:
        total = sum(
            (Decimal(str(ln.line.quantity)) * Decimal(str(ln.line.unit_price)) for ln in group), Decimal("0")
        )
        return total.quantize(Decimal("0.01"))

    @staticmethod
    def _lines(order_id: int, group: list[_Line]) -> list[OrderLine]:
        return [
            OrderLine(
                order_id=order_id,
                name=ln.line.name,
                sku=ln.line.sku,
                category=ln.line.category,
                quantity=Decimal(str(ln.line.quantity)),
                unit_price=Decimal(str(ln.line.unit_price)),
            )
            for ln in group
        ]

    def _event(self, order: Order) -> Interaction:
        return order_event(order, actor=self.actor)

    def _create(self, groups: Sequence[list[_Line]]) -> None:
        orders = [
            Order(
                customer_id=g[0].customer_id,
                reference=g[0].reference,
                placed_at=g[0].placed_at,
                currency=g[0].currency,
                status=g[0].status,
                channel=g[0].channel,
                total=self._total(g),
            )
            for g in groups
        ]
        Order.objects.bulk_create(orders, batch_size=500)
        if any(o.pk is None for o in orders):  # a backend that cannot return ids from bulk inserts
            ids = dict(
                Order.objects.filter(reference__in=[o.reference for o in orders]).values_list(
                    "reference", "id"
                )
            )
            for o in orders:
                o.pk = ids[o.reference]
        OrderLine.objects.bulk_create(
            [ln for o, g in zip(orders, groups, strict=True) for ln in self._lines(o.pk, g)], batch_size=500
        )
        Interaction.objects.bulk_create([self._event(o) for o in orders], batch_size=500)
        ImportChange.objects.create(
            job=self.job, action=ImportChange.Action.ORDERS_CREATED, object_ids=[o.pk for o in orders]
        )
        SearchTerm.objects.bulk_create(
            [SearchTerm(customer_id=o.customer_id, term=f"o:{lang.fold(o.reference)}"[:120]) for o in orders],
            batch_size=500,
        )

    def _update(self, groups: list[list[_Line]], existing: dict[str, Order]) -> None:
        moved: set[int] = set()
        orders = []
        for g in groups:
            order = existing[g[0].reference]
            if order.customer_id != g[0].customer_id:
                moved |= {order.customer_id, g[0].customer_id}
            order.customer_id, order.placed_at, order.currency = (
                g[0].customer_id,
                g[0].placed_at,
                g[0].currency,
            )
            order.status, order.channel, order.total = g[0].status, g[0].channel, self._total(g)
            orders.append(order)
        Order.objects.bulk_update(
            orders, ["customer", "placed_at", "currency", "status", "channel", "total"], batch_size=500
        )
        ids = [o.pk for o in orders]
        for chunk in _chunks(ids, IN_CHUNK):
            OrderLine.objects.filter(order_id__in=chunk).delete()
        OrderLine.objects.bulk_create(
            [ln for o, g in zip(orders, groups, strict=True) for ln in self._lines(o.pk, g)], batch_size=500
        )
        by_id = {str(o.pk): o for o in orders}
        events = []
        for chunk in _chunks(list(by_id), IN_CHUNK):
            for event in Interaction.objects.filter(source_type="customers.order", source_id__in=chunk):
                fresh = self._event(by_id[event.source_id])
                event.customer_id, event.summary, event.occurred_at = (
                    fresh.customer_id,
                    fresh.summary,
                    fresh.occurred_at,
                )
                events.append(event)
        Interaction.objects.bulk_update(events, ["customer", "summary", "occurred_at"], batch_size=500)
        for chunk in _chunks(sorted(moved), IN_CHUNK):
            search_reindex(customer_ids=chunk)


def _num(value: Decimal) -> str:
    """A number as text without trailing zeros, so 2 and 2.000 compare equal."""
    text = format(value.normalize(), "f")
    return text


def order_event(order: Order, *, actor: User | None) -> Interaction:
    """The timeline entry of an order: the same one order_create() writes."""
    return Interaction(
        customer_id=order.customer_id,
        channel=Interaction.Channel.ORDER,
        direction=Interaction.Direction.INBOUND,
        summary=(
            _("Order %(ref)s: %(total)s")
            % {
                "ref": order.reference,
                "total": format_money(order.total, order.currency, settings.LANGUAGE_CODE),
            }
        )[:300],
        occurred_at=order.placed_at,
        actor=actor,
        source_type="customers.order",
        source_id=str(order.pk),
    )
