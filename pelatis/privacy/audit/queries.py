"""Reading the audit trail (:class:`pelatis.core.models.AuditEvent`): the managers' filtered list, its CSV
rows and the latest entries of one customer, with the labels people read (actions, field names and
values, details: :mod:`.labels`) and the
customers' names for links, each in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from pelatis.core.audit import Action
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_search_ids

from .labels import detail_text, field_label, value_label

PERMISSION = "core.view_auditevent"
SYSTEM = "system"  # the user filter's value for entries without a user (command line, worker, imports)
SEARCH_LIMIT = 500  # customers a name search may match


@dataclass(frozen=True)
class AuditFilters:
    """What the list is narrowed to; empty values do not narrow."""

    customer: str = ""  # a customer's number ("42" or "#42") or words to search customers by
    user: str = ""  # a user's id, or SYSTEM
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def action_label(value: str) -> str:
    """The action as people read it ("viewed the customer page"), the stored word if unknown."""
    return str(Action(value).label) if value in Action.values else value


def customer_number(text: str) -> int | None:
    """The customer number ``text`` gives ("42", "#42"), or None when it is words."""
    digits = text.strip().removeprefix("#")
    return int(digits) if digits.isdigit() and len(digits) < 19 else None


def audit_entries(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The entries the filters select, newest first."""
    qs = AuditEvent.objects.all()
    if filters.customer.strip():
        number = customer_number(filters.customer)
        if number is not None:
            # A merged customer's own entries, and the merge that folded it into another.
            qs = qs.filter(Q(customer_id=number) | Q(action=Action.MERGE, detail=f"merged #{number}"))
        else:
            qs = qs.filter(customer_id__in=customer_search_ids(filters.customer, limit=SEARCH_LIMIT))
    if filters.user == SYSTEM:
        qs = qs.filter(actor__isnull=True, actor_name="")
    elif filters.user.isdigit():
        qs = qs.filter(actor_id=int(filters.user))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from is not None:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        qs = qs.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def customer_entries(customer_id: int, *, limit: int = 10) -> list[AuditEvent]:
    """The latest entries about one customer (the log's customer index), newest first."""
    return list(AuditEvent.objects.filter(customer_id=customer_id).order_by("-at", "-id")[:limit])


def users_for_filter() -> list[tuple[str, str]]:
    """The user filter's choices: every staff account by name, then the system (no user)."""
    users = get_user_model().objects.order_by("username").values_list("pk", "username")
    return [(str(pk), name) for pk, name in users]


@dataclass(frozen=True)
class Row:
    """One entry as the list shows it."""

    entry: AuditEvent
    action: str
    customer_name: str  # "" when the customer is gone, erased or merged: the list shows "#id"
    fields: list[str]
    detail: str  # in the reader's language where the line is a known one


def rows_of(entries: Iterable[AuditEvent], *, names: bool = True) -> list[Row]:
    """The entries with their labels and (``names``) live customers' names, one query for all of them."""
    items = list(entries)
    found = _live_names({e.customer_id for e in items if e.customer_id is not None}) if names else {}
    return [
        Row(
            entry=e,
            action=action_label(e.action),
            customer_name=found.get(e.customer_id, "") if e.customer_id is not None else "",
            fields=fields_text(e.fields, action=e.action),
            detail=detail_text(e.detail),
        )
        for e in items
    ]


def fields_text(fields: Any, *, action: str = "", raw: bool = False) -> list[str]:
    """The changed fields as people read them: "Language: Greek → English", "Status: — → Received", or the
    name alone (``raw``: the stored names and values, for programs)."""
    out = []
    for item in fields if isinstance(fields, list) else []:
        if not isinstance(item, dict) or "field" not in item:
            continue
        name = str(item["field"])
        label = name if raw else field_label(name, action=action)
        if "old" in item or "new" in item:
            old, new = item.get("old"), item.get("new")
            if raw:
                label = f"{label}: {_shown(old)} → {_shown(new)}"
            else:
                shown = (value_label(name, v, action=action) for v in (old, new))
                label = "{}: {} → {}".format(label, *shown)
        out.append(label)
    return out


def csv_rows(entries: QuerySet[AuditEvent], *, machine: bool = False) -> Iterator[list[Any]]:
    """The entries as export rows (when, user, action, customer, IP, fields, detail), read in chunks."""
    for e in entries.iterator(chunk_size=2000):
        yield [
            e.at,
            e.actor_name,
            e.action,
            e.customer_id,
            e.ip or "",
            "; ".join(fields_text(e.fields, action=e.action, raw=machine)),
            e.detail if machine else detail_text(e.detail),
        ]


def _live_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    live = Customer.objects.filter(pk__in=ids, merged_into__isnull=True, erased_at__isnull=True)
    return dict(live.values_list("pk", "display_name"))


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
