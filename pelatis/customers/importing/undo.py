"""Undoing an import: its new customers and orders removed, the customers and orders it changed put
back as they were, in one transaction.

An import can be undone for ``PELATIS_IMPORT_UNDO_DAYS`` (30) days, and only while what it wrote is
still as it wrote it. Anything changed since is never thrown away: a customer edited after the
import (their ``updated_at`` is newer than the import's stamp, or a contact point was added or one
the import added is gone), a new customer who has since got a ticket, an order, a note or any other
record of their own, or an order that was changed or linked to a ticket makes the undo refuse,
naming those records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from pelatis.core.audit import Action, audit_record

from ..models import (
    Address,
    ContactPoint,
    Customer,
    ImportChange,
    ImportedConsent,
    ImportJob,
    Interaction,
    Order,
    OrderLine,
)
from ..services.contact_points import contact_points_primary_fill
from ..services.derived import derived_fields_fill, search_reindex
from ..services.orders import orders_changed_notify
from ..services.timeline import timeline_text
from .common import IN_CHUNK, User, _chunks
from .orders_write import order_event, order_snapshot, stored_lines

UNDO_DAYS = 30  # default of PELATIS_IMPORT_UNDO_DAYS
_NAMED = 10  # records named in a refusal
# Rows that only follow from a customer (recomputed scores): they do not make the customer "used".
_DERIVED = frozenset({"analytics.CustomerValue"})
_OWN = frozenset({"customers.ContactPoint", "customers.Address", "customers.Interaction"})


def undo_days() -> int:
    return int(getattr(settings, "PELATIS_IMPORT_UNDO_DAYS", UNDO_DAYS))


def import_undo_deadline(job: ImportJob) -> dt.datetime | None:
    """Until when the import can be undone, or None when it cannot be (not written, or already undone)."""
    if job.status not in (ImportJob.Status.DONE, ImportJob.Status.PARTIAL) or job.applied_at is None:
        return None
    return job.applied_at + dt.timedelta(days=undo_days())


def import_undo_available(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    """Whether the job page offers an undo (the check for changes since is made when it is asked for)."""
    deadline = import_undo_deadline(job)
    return deadline is not None and (now or timezone.now()) <= deadline and job.changes.exists()


@transaction.atomic
def import_undo(*, job: ImportJob, by: User | None, request: HttpRequest | None = None) -> dict[str, int]:
    """Undo an import in one transaction; raises ValidationError naming the records changed since. The
    audit trail records the undo as an import entry with its counts."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    deadline = import_undo_deadline(locked)
    if deadline is None or locked.applied_at is None:
        raise ValidationError(_("This import cannot be undone: it wrote nothing, or it was already undone."))
    if timezone.now() > deadline:
        raise ValidationError(
            _("This import is more than %(days)d days old and can no longer be undone.")
            % {"days": undo_days()}
        )
    changes = list(locked.changes.all())
    count, names = _changed_since(locked, changes, stamp=locked.applied_at)
    if count:
        more = count - len(names)
        message = ngettext(
            "This import cannot be undone: %(count)d record was changed after it: %(names)s.",
            "This import cannot be undone: %(count)d records were changed after it: %(names)s.",
            count,
        ) % {"count": count, "names": ", ".join(names)}
        if more > 0:
            message += " " + (_("… and %(n)d more.") % {"n": more})
        raise ValidationError(message)
    done = {"customers_deleted": 0, "customers_restored": 0, "orders_deleted": 0, "orders_restored": 0}
    reindex: set[int] = set()
    for change in changes:
        if change.action == ImportChange.Action.ORDER_REPLACED:
            reindex |= _order_restore(change)
            orders_changed_notify([int(change.object_id or 0)])
            done["orders_restored"] += 1
        elif change.action == ImportChange.Action.ORDERS_CREATED:
            for chunk in _chunks(change.object_ids, IN_CHUNK):
                orders = Order.objects.filter(pk__in=chunk)
                reindex |= set(orders.values_list("customer_id", flat=True))
                Interaction.objects.filter(
                    source_type="customers.order", source_id__in=[str(i) for i in chunk]
                ).delete()
                done["orders_deleted"] += orders.delete()[1].get("customers.Order", 0)
                orders_changed_notify(chunk)
    for change in changes:
        if change.action == ImportChange.Action.CUSTOMER_UPDATED:
            _customer_restore(change, locked)
            reindex.add(int(change.object_id or 0))
            done["customers_restored"] += 1
    ImportedConsent.objects.filter(job=locked).delete()
    for change in changes:
        if change.action == ImportChange.Action.CUSTOMERS_CREATED:
            for chunk in _chunks(change.object_ids, IN_CHUNK):
                done["customers_deleted"] += (
                    Customer.objects.filter(pk__in=chunk).delete()[1].get("customers.Customer", 0)
                )
                reindex -= set(chunk)
    live = sorted(set(Customer.objects.filter(pk__in=list(reindex)).values_list("pk", flat=True)))
    for chunk in _chunks(live, IN_CHUNK):
        search_reindex(customer_ids=chunk)
    ImportJob.objects.filter(pk=locked.pk).update(
        status=ImportJob.Status.UNDONE,
        undone_at=timezone.now(),
        undone_by=by if by is not None and by.is_authenticated else None,
    )
    audit_record(
        Action.IMPORT,
        request=request,
        actor=by if by is not None and by.is_authenticated else None,
        detail=f"{locked.kind} import #{locked.pk} undone: " + " ".join(f"{k}={v}" for k, v in done.items()),
    )
    return done


# ---------------------------------------------------------------- what changed since


def _changed_since(
    job: ImportJob, changes: list[ImportChange], *, stamp: dt.datetime
) -> tuple[int, list[str]]:
    """How many records were changed after the import wrote them (at ``stamp``), and the first ones by name."""
    customer_ids: set[int] = set()
    order_ids: set[int] = set()
    for change in changes:
        if change.action == ImportChange.Action.CUSTOMER_UPDATED:
            customer_ids |= _updated_customer_changed(change, stamp)
        elif change.action == ImportChange.Action.CUSTOMERS_CREATED:
            customer_ids |= _created_customers_used(job, change.object_ids, stamp)
        elif change.action == ImportChange.Action.ORDERS_CREATED:
            order_ids |= _orders_used(change.object_ids)
        elif change.action == ImportChange.Action.ORDER_REPLACED:
            order_ids |= _replaced_order_changed(change)
    names = [
        f"{name} (#{pk})"
        for pk, name in Customer.objects.filter(pk__in=sorted(customer_ids)[:_NAMED])
        .order_by("pk")
        .values_list("pk", "display_name")
    ]
    names += list(
        Order.objects.filter(pk__in=sorted(order_ids)[:_NAMED])
        .order_by("pk")
        .values_list("reference", flat=True)
    )
    return len(customer_ids) + len(order_ids), names[:_NAMED]


def _updated_customer_changed(change: ImportChange, stamp: dt.datetime) -> set[int]:
    cid = int(change.object_id or 0)
    customer = Customer.objects.filter(pk=cid).values("updated_at", "merged_into_id").first()
    if customer is None:
        return set()  # deleted since: nothing to put back
    if customer["updated_at"] > stamp or customer["merged_into_id"] is not None:
        return {cid}
    added = change.added or {}
    for kind, values in (("email", added.get("emails", [])), ("phone", added.get("phones", []))):
        if values and ContactPoint.objects.filter(
            customer_id=cid, kind=kind, value__in=values
        ).count() != len(values):
            return {cid}
    if ContactPoint.objects.filter(customer_id=cid, created_at__gt=stamp).exists():
        return {cid}
    return set()


def _created_customers_used(job: ImportJob, ids: list[int], stamp: dt.datetime) -> set[int]:
    """New customers that have been edited or have records of their own since the import."""
    used: set[int] = set()
    for chunk in _chunks(ids, IN_CHUNK):
        used |= set(
            Customer.objects.filter(pk__in=chunk)
            .filter(Q(updated_at__gt=stamp) | Q(merged_into__isnull=False))
            .values_list("pk", flat=True)
        )
        used |= set(
            ContactPoint.objects.filter(customer_id__in=chunk, created_at__gt=stamp).values_list(
                "customer_id", flat=True
            )
        )
        used |= set(
            Interaction.objects.filter(customer_id__in=chunk)
            .exclude(source_type="customers.importjob", source_id=str(job.pk))
            .values_list("customer_id", flat=True)
        )
        for rel in Customer._meta.related_objects:
            label = rel.related_model._meta.label
            if label in _OWN or label in _DERIVED or rel.many_to_many:
                continue
            used |= set(
                rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": chunk}).values_list(
                    rel.field.attname, flat=True
                )
            )
    return {u for u in used if u is not None}


def _orders_used(ids: list[int]) -> set[int]:
    """New orders that something else has come to point at since (a ticket, say)."""
    used: set[int] = set()
    for chunk in _chunks(ids, IN_CHUNK):
        for rel in Order._meta.related_objects:
            if rel.related_model is OrderLine:
                continue
            through = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": chunk})
            used |= set(through.values_list(f"{rel.field.name}__pk", flat=True))
    return {u for u in used if u in set(ids)}


def _replaced_order_changed(change: ImportChange) -> set[int]:
    oid = int(change.object_id or 0)
    order = Order.objects.filter(pk=oid).first()
    if order is None:
        return set()
    now = order_snapshot(order, stored_lines([oid]).get(oid, []))
    after = change.after or {}
    same = all(_same(now[k], after.get(k)) for k in now)
    return set() if same else {oid}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str) and "T" in a and "T" in b:
        try:
            return dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b)
        except ValueError:
            return a == b
    return bool(a == b)


# ---------------------------------------------------------------- putting back


def _customer_restore(change: ImportChange, job: ImportJob) -> None:
    cid = int(change.object_id or 0)
    customer = Customer.objects.filter(pk=cid).first()
    if customer is None:
        return
    fields = list((change.before or {}).keys())
    for name, value in (change.before or {}).items():
        field = Customer._meta.get_field(name)
        setattr(customer, name, field.to_python(value) if isinstance(field, models.Field) else value)
    added = change.added or {}
    for kind, values in (("email", added.get("emails", [])), ("phone", added.get("phones", []))):
        if values:
            ContactPoint.objects.filter(customer_id=cid, kind=kind, value__in=values).delete()
            contact_points_primary_fill(customer_id=cid, kind=kind)
    if added.get("tags"):
        Customer.tags.through.objects.filter(customer_id=cid, tag_id__in=added["tags"]).delete()
    for line1, city, postcode in added.get("addresses", []):
        Address.objects.filter(customer_id=cid, line1=line1, city=city, postcode=postcode).delete()
    if fields:
        derived_fields_fill(customer)
        customer.save()
    else:
        Customer.objects.filter(pk=cid).update(updated_at=timezone.now())
    Interaction.objects.create(
        customer_id=cid,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(
            gettext_noop("Import of %(file)s undone: its changes were put back"), file=job.file_name
        )[:300],
        source_type="customers.importjob",
        source_id=str(job.pk),
    )


def _order_restore(change: ImportChange) -> set[int]:
    oid = int(change.object_id or 0)
    order = Order.objects.filter(pk=oid).first()
    if order is None:
        return set()
    before = change.before or {}
    moved = {order.customer_id, int(before["customer_id"])}
    order.customer_id = int(before["customer_id"])
    order.placed_at = dt.datetime.fromisoformat(before["placed_at"])
    order.currency, order.status, order.channel = before["currency"], before["status"], before["channel"]
    order.total = Decimal(before["total"]).quantize(Decimal("0.01"))
    order.save()
    order.lines.all().delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, name=n, sku=s, category=c, quantity=Decimal(q), unit_price=Decimal(p))
            for n, s, c, q, p in before.get("lines", [])
        ]
    )
    fresh = order_event(order, actor=None)  # the entry the import (and order_create) writes
    Interaction.objects.filter(source_type="customers.order", source_id=str(oid)).update(
        customer_id=fresh.customer_id, summary=fresh.summary, occurred_at=fresh.occurred_at
    )
    return moved
