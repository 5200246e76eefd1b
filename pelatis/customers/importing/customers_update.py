"""Writing the existing customers an import matched: laid over their stored profiles by the update
policy, and written only when the file really changes them (then with one timeline entry, an undo record
and a search re-index, as ``customer_update`` would)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis import lang

from ..models import Address, ContactPoint, Customer, ImportChange, ImportedConsent, Interaction
from ..services.customers import PROFILE_FIELDS
from ..services.derived import derived_fields_fill, search_reindex
from ..services.timeline import timeline_text
from .common import IN_CHUNK, MAX_PREVIEW_CHANGES, _chunks, _update_many
from .customers_write import _address_row, _Consent, _CustomerWrites, _Slot
from .labels import field_label, field_labels_for_timeline, jsonable


class _CustomerUpdates(_CustomerWrites):
    """The customer import's writes of existing customers."""

    def _update(
        self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int], *, write: bool
    ) -> int:
        """Lay the slots over their stored customers by the update policy (``_resolve``): only customers
        that really change are written, get a timeline entry, an undo record and a re-index (re-importing
        an unchanged file writes nothing). Lists the changes for the preview; returns how many change."""
        by_id = {s.customer_id: s for s in slots if s.customer_id is not None}
        ids = list(by_id)
        have_points: dict[int, set[tuple[str, str]]] = {}
        primary: set[tuple[int, str]] = set()
        for cid, kind, value, is_primary in ContactPoint.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "kind", "value", "is_primary"
        ):
            have_points.setdefault(cid, set()).add((kind, value))
            if is_primary:
                primary.add((cid, kind))
        have_tags = set(
            Customer.tags.through.objects.filter(customer_id__in=ids).values_list("customer_id", "tag_id")
        )
        have_addresses: dict[int, set[tuple[str, str, str]]] = {}
        for cid, line1, city, postcode in Address.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "line1", "city", "postcode"
        ):
            have_addresses.setdefault(cid, set()).add((lang.fold(line1), lang.fold(city), postcode))
        have_consents = {
            (cid, channel, granted, stated_at)
            for cid, channel, granted, stated_at in ImportedConsent.objects.filter(
                customer_id__in=ids
            ).values_list("customer_id", "channel", "granted", "stated_at")
        }
        changed_rows: list[Customer] = []
        points, links, addresses, events, records, consents = [], [], [], [], [], []
        count = 0
        for cid, slot in by_id.items():
            customer = self.loaded[cid]
            name = customer.display_name
            added: dict[str, list[Any]] = {}
            for kind, values in (("email", slot.data.emails), ("phone", slot.data.phones)):
                for value in values:
                    if (kind, value) not in have_points.get(cid, set()):
                        points.append(
                            ContactPoint(
                                customer_id=cid,
                                kind=kind,
                                value=value,
                                created_at=now,
                                is_primary=(cid, kind) not in primary,
                            )
                        )
                        primary.add((cid, kind))
                        have_points.setdefault(cid, set()).add((kind, value))
                        added.setdefault(f"{kind}s", []).append(value)
            for tag in slot.data.tags:
                tag_id = tag_ids[tag.casefold()]
                if (cid, tag_id) not in have_tags:
                    links.append(Customer.tags.through(customer_id=cid, tag_id=tag_id))
                    have_tags.add((cid, tag_id))
                    added.setdefault("tags", []).append(tag)
            seen = have_addresses.setdefault(cid, set())
            new_addresses: list[list[str]] = []
            for a in slot.addresses:
                key = (lang.fold(a.line1), lang.fold(a.city), a.postcode)
                if key not in seen:
                    addresses.append(_address_row(cid, a, primary=not seen))
                    seen.add(key)
                    new_addresses.append([a.line1, a.city, a.postcode])
                    added.setdefault("addresses", []).append(
                        ", ".join(p for p in (a.line1, a.postcode, a.city) if p)
                    )
            for c in dict.fromkeys(slot.consents):
                if (cid, c.channel, c.granted, c.stated_at) not in have_consents:
                    have_consents.add((cid, c.channel, c.granted, c.stated_at))
                    consents.append(self._consent(cid, c, now))
                    added.setdefault("consents", []).append(_consent_text(c))
            if len(self.result.changes) < MAX_PREVIEW_CHANGES and (slot.changes or slot.kept or added):
                self.result.changes.append(_change_entry(cid, name, slot, added))
            if not slot.changes and not added:
                continue
            count += 1
            if not write:
                continue
            for f, (_old, new) in slot.changes.items():
                setattr(customer, f, new)
            derived_fields_fill(customer)
            customer.updated_at = now  # also when only contact points were added: later edits are newer
            changed_rows.append(customer)
            records.append(
                ImportChange(
                    job=self.job,
                    action=ImportChange.Action.CUSTOMER_UPDATED,
                    object_id=cid,
                    before={f: jsonable(old) for f, (old, _new) in slot.changes.items()},
                    after={f: jsonable(new) for f, (_old, new) in slot.changes.items()},
                    added={
                        "emails": added.get("emails", []),
                        "phones": added.get("phones", []),
                        "tags": [tag_ids[t.casefold()] for t in added.get("tags", [])],
                        "addresses": new_addresses,
                    },
                )
            )
            summary = timeline_text(
                gettext_noop("Updated from import of %(file)s: %(fields)s"),
                file=self.file_name,
                fields=field_labels_for_timeline([*slot.changes, *added]),
            )
            events.append(
                Interaction(
                    customer_id=cid,
                    channel=Interaction.Channel.SYSTEM,
                    direction=Interaction.Direction.INTERNAL,
                    summary=summary[:300],
                    occurred_at=now,
                    actor=self.actor,
                    source_type="customers.importjob",
                    source_id=str(self.job.pk),
                )
            )
        if not write:
            return count
        _update_many(
            Customer,
            (*PROFILE_FIELDS, "display_name", "sort_name", "name_key", "name_day_name", "updated_at"),
            changed_rows,
        )
        ContactPoint.objects.bulk_create(points, batch_size=500)
        Customer.tags.through.objects.bulk_create(links, batch_size=500)
        Address.objects.bulk_create(addresses, batch_size=500)
        Interaction.objects.bulk_create(events, batch_size=500)
        ImportedConsent.objects.bulk_create(consents, batch_size=500)
        self._consents_imported(consents)
        ImportChange.objects.bulk_create(records, batch_size=500)
        touched = [e.customer_id for e in events]
        if touched:
            # A company's name is in its contacts' search terms too (as customer_update does).
            touched += Customer.objects.filter(company_id__in=touched).values_list("pk", flat=True)
            for chunk in _chunks(list(dict.fromkeys(touched)), IN_CHUNK):
                search_reindex(customer_ids=chunk)
        return count


def _consent_text(c: _Consent) -> str:
    stated = f", {c.stated_at:%Y-%m-%d}" if c.stated_at else ""
    answer = _("yes") if c.granted else _("no")
    return f"{field_label(c.channel + '_consent')}: {answer} ({c.source}{stated})"


def _change_entry(cid: int, name: str, slot: _Slot, added: dict[str, list[Any]]) -> dict[str, Any]:
    fields = [
        {"field": f, "before": jsonable(old), "after": jsonable(new), "kept": ""}
        for f, (old, new) in slot.changes.items()
    ]
    fields += [
        {"field": f, "before": jsonable(old), "after": jsonable(new), "kept": why}
        for f, (old, new, why) in slot.kept.items()
    ]
    return {
        "id": cid,
        "name": name,
        "rows": slot.rows[:5],
        "fields": fields,
        "added": [{"field": f, "value": str(v)} for f, values in added.items() for v in values],
    }
