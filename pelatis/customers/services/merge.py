"""Duplicates folded into one customer.

Apps that own rows pointing at customers (tickets, loyalty accounts...) declare CUSTOMER_MERGE_PARTICIPANTS
in their hooks.py; a merge calls each with (survivor, merged) inside the merge transaction and records what
it returns. Customers cannot import those apps, so they come to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.core.audit import Action, audit_record
from pelatis.core.hooks import contributions

from ..models import ContactPoint, Customer, Interaction, MergeRecord, Order, SearchTerm, Subscription
from .customers import PROFILE_FIELDS
from .derived import derived_fields_fill, search_reindex
from .timeline import interaction_record, timeline_text


@transaction.atomic
def customer_merge(
    *, survivor: Customer, merged: Customer, by: User | None = None, request: HttpRequest | None = None
) -> MergeRecord:
    """Fold ``merged`` into ``survivor``: everything moves, blanks are filled, a trail is kept (the audit
    entry names the kept customer and, in its detail, the merged one's id).

    The merged customer stays as a row pointing at the survivor, so old links
    and references still resolve.
    """
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": [_("A customer cannot be merged into itself.")]})
    a, b = sorted([survivor.pk, merged.pk])
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[a, b])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError({"merged": [_("One of these customers was already merged.")]})

    snapshot: dict[str, Any] = {f: _jsonable(getattr(merged, f)) for f in PROFILE_FIELDS}
    snapshot["contact_points"] = list(merged.contact_points.values("kind", "value", "label"))
    snapshot["tags"] = list(merged.tags.values_list("name", flat=True))

    moved: dict[str, int] = {}
    have = set(survivor.contact_points.values_list("kind", "value"))
    dup_points = [cp.pk for cp in merged.contact_points.all() if (cp.kind, cp.value) in have]
    ContactPoint.objects.filter(pk__in=dup_points).delete()
    moved["contact_points"] = merged.contact_points.update(customer=survivor, is_primary=False)
    moved["addresses"] = merged.addresses.update(customer=survivor, is_primary=False)
    moved["orders"] = Order.objects.filter(customer=merged).update(customer=survivor)
    moved["subscriptions"] = Subscription.objects.filter(customer=merged).update(customer=survivor)
    moved["interactions"] = Interaction.objects.filter(customer=merged).update(customer=survivor)
    moved["contacts"] = Customer.objects.filter(company=merged).update(company=survivor)
    survivor.tags.add(*merged.tags.all())
    for participant in contributions("CUSTOMER_MERGE_PARTICIPANTS"):
        moved.update(participant(survivor, merged))

    for f in ("first_name", "last_name", "company_name", "job_title", "title", "birthday", "vat_number"):
        if not getattr(survivor, f) and getattr(merged, f):
            setattr(survivor, f, getattr(merged, f))
    if merged.notes:
        survivor.notes = "\n\n".join(p for p in (survivor.notes, merged.notes) if p)
    ref = merged.external_ref
    merged.external_ref = None
    merged.merged_into = survivor
    merged.save(update_fields=["external_ref", "merged_into", "updated_at"])
    if not survivor.external_ref and ref:
        survivor.external_ref = ref
    derived_fields_fill(survivor)
    survivor.save()
    SearchTerm.objects.filter(customer=merged).delete()
    search_reindex(customer_ids=[survivor.pk])
    record = MergeRecord.objects.create(
        survivor=survivor,
        merged=merged,
        snapshot=snapshot,
        moved=moved,
        merged_by=by if by is not None and by.is_authenticated else None,
    )
    interaction_record(
        customer=survivor,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(
            gettext_noop("Merged %(name)s (#%(id)s) into this customer"),
            name=merged.display_name,
            id=merged.pk,
        ),
        actor=by,
        source_type="customers.mergerecord",
        source_id=str(record.pk),
    )
    audit_record(
        Action.MERGE,
        request=request,
        actor=record.merged_by,
        customer_id=survivor.pk,
        detail=f"merged #{merged.pk}",
    )
    return record


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value
