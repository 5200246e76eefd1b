"""Writing the orders of an import: new orders bulk-inserted with their lines, timeline entries and search
terms (as ``order_create`` writes them); an order whose reference exists and differs is replaced, lines too,
only when the import overwrites. What an order was is kept for the undo (``order_snapshot``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from pelatis import lang
from pelatis.core.formatting import format_money

from ..inputs import OrderLineInput
from ..models import Customer, ImportChange, ImportJob, Interaction, Order, OrderLine, SearchTerm
from ..services.derived import search_reindex
from ..services.orders import orders_changed_notify
from ..services.timeline import timeline_text
from .common import (
    CHUNK,
    IN_CHUNK,
    MAX_PREVIEW_CHANGES,
    ImportOptions,
    ImportResult,
    User,
    _chunks,
    _Progress,
)


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


_COMPARED = ("customer_id", "placed_at", "currency", "status", "channel", "total")


class _OrderWrites:
    """The writing half of ``orders._OrderImport``, which sets these attributes."""

    actor: User | None
    job: ImportJob
    result: ImportResult
    progress: _Progress
    options: ImportOptions

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
        lines_of = stored_lines([existing[g[0].reference].pk for g in old])
        names: dict[int, str] = {}
        for g in old:
            order = existing[g[0].reference]
            before = order_snapshot(order, lines_of.get(order.pk, []))
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

    def _snapshot_of_group(self, group: list[_Line]) -> dict[str, Any]:
        first = group[0]
        return {
            "customer_id": first.customer_id,
            "placed_at": first.placed_at.isoformat(),
            "currency": first.currency,
            "status": first.status,
            "channel": first.channel,
            "total": number_text(self._total(group)),
            "lines": [
                [
                    ln.line.name,
                    ln.line.sku,
                    ln.line.category,
                    number_text(Decimal(str(ln.line.quantity))),
                    number_text(Decimal(str(ln.line.unit_price))),
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
        orders_changed_notify([o.pk for o in orders])
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
        orders_changed_notify(ids)
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


def stored_lines(order_ids: list[int]) -> dict[int, list[list[str]]]:
    """The stored lines of these orders as the import compares them: [name, sku, category, quantity, price]."""
    out: dict[int, list[list[str]]] = {}
    for chunk in _chunks(order_ids, IN_CHUNK):
        for oid, name, sku, category, quantity, price in (
            OrderLine.objects.filter(order_id__in=chunk)
            .order_by("id")
            .values_list("order_id", "name", "sku", "category", "quantity", "unit_price")
        ):
            out.setdefault(oid, []).append([name, sku, category, number_text(quantity), number_text(price)])
    return out


def order_snapshot(order: Order, lines: list[list[str]]) -> dict[str, Any]:
    """An order as the import compares it and its undo record keeps it."""
    return {
        "customer_id": order.customer_id,
        "placed_at": order.placed_at.isoformat(),
        "currency": order.currency,
        "status": order.status,
        "channel": order.channel,
        "total": number_text(order.total),
        "lines": lines,
    }


def number_text(value: Decimal) -> str:
    """A number as text without trailing zeros, so 2 and 2.000 compare equal."""
    return format(value.normalize(), "f")


def order_event(order: Order, *, actor: User | None) -> Interaction:
    """The timeline entry of an order: the same one order_create() writes."""
    return Interaction(
        customer_id=order.customer_id,
        channel=Interaction.Channel.ORDER,
        direction=Interaction.Direction.INBOUND,
        summary=timeline_text(
            gettext_noop("Order %(ref)s: %(total)s"),
            ref=order.reference,
            total=format_money(order.total, order.currency, settings.LANGUAGE_CODE),
        )[:300],
        occurred_at=order.placed_at,
        actor=actor,
        source_type="customers.order",
        source_id=str(order.pk),
    )
