"""What customers holds about a person, for the data-subject rights (``PERSONAL_DATA``, see
:mod:`pelatis.core.personaldata`): the profile, contact points, addresses, orders, subscriptions, the
timeline, imported consents and merges.

Erasure keeps the customer's row (orders, tickets and ledgers keep their customer, so every aggregate is
unchanged) but empties it: the name becomes the placeholder; contact points, addresses and search keys
go; notes, VAT number, birthday and external reference are cleared; timeline text, merge snapshots and
import reports lose what named the person. Orders and their amounts stay: they are the business's
records (a legal hold, listed). Customers merged into this one are the same person and go the same way.
The values and text helpers every participant shares are in :mod:`pelatis.core.personaltext`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, Model, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pelatis import lang
from pelatis.core.formatting import sales_channel_name
from pelatis.core.personaldata import ErasureContext, ErasureReport, Section, scrub
from pelatis.core.personaltext import MIN_TERM, json_scrub, mentions_q, money, number, record_kind
from pelatis.customers.locale_values import country_name, language_name
from pelatis.lang.address import vocative

from .models import (
    Address,
    ContactPoint,
    Customer,
    ImportChange,
    ImportedConsent,
    ImportJob,
    Interaction,
    MergeRecord,
    Order,
    SearchTerm,
    Subscription,
)
from .normalise import phone_search_digits

# --------------------------------------------------------------------------- shared helpers


def plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO strings, decimals as strings, lists and dicts recursively."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def labels(model: type[Model], names: Iterable[str]) -> dict[str, str]:
    """Field name → its localised label, for the export's schema."""
    out: dict[str, str] = {}
    for name in names:
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:  # a computed column of the export, not a model field
            found = None
        label = getattr(found, "verbose_name", None)
        out[name] = str(label) if label else name.replace("_", " ")
    return out


def _quantity(value: Decimal | None) -> float | int | None:
    """A quantity as people write it: 1 rather than 1.000."""
    if value is not None and value == value.to_integral_value():
        return int(value)
    return number(value)


def person_ids(customer_id: int) -> list[int]:
    """The customer and every customer merged into them (the same person's earlier records)."""
    ids = [customer_id]
    frontier = [customer_id]
    for _depth in range(20):  # merges chain rarely; bounded whatever the data says
        frontier = list(Customer.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        frontier = [i for i in frontier if i not in ids]
        if not frontier:
            break
        ids.extend(frontier)
    return ids


# --------------------------------------------------------------------------- terms


def _name_forms(first: str, last: str, company: str, display: str) -> set[str]:
    forms = {display, f"{first} {last}".strip(), f"{last} {first}".strip(), company}
    if first and last:
        forms.add(f"{vocative(first)} {vocative(last, surname=True)}")
        forms.add(f"{vocative(last, surname=True)} {vocative(first)}")
    return forms


def customers_terms(customer_id: int) -> set[str]:
    """The person's names (whole, and as addressed in Greek), emails, phones and VAT number."""
    ids = person_ids(customer_id)
    found: set[str] = set()
    for first, last, company, display, kind, vat in Customer.objects.filter(pk__in=ids).values_list(
        "first_name", "last_name", "company_name", "display_name", "kind", "vat_number"
    ):
        own_company = company if kind == Customer.Kind.COMPANY or not (first or last) else ""
        found |= _name_forms(first, last, own_company, display)
        found.add(vat)
    for kind, value in ContactPoint.objects.filter(customer_id__in=ids).values_list("kind", "value"):
        found.add(value)
        if kind == ContactPoint.Kind.PHONE:
            found.update(phone_search_digits(value))
    for snapshot in MergeRecord.objects.filter(survivor_id__in=ids).values_list("snapshot", flat=True):
        snap = snapshot if isinstance(snapshot, dict) else {}
        first, last = str(snap.get("first_name") or ""), str(snap.get("last_name") or "")
        found |= _name_forms(first, last, str(snap.get("company_name") or ""), "")
        found.add(str(snap.get("vat_number") or ""))
        for point in snap.get("contact_points") or []:
            if isinstance(point, dict):
                found.add(str(point.get("value") or ""))
    return {t.strip() for t in found if len(t.strip()) >= MIN_TERM}


# --------------------------------------------------------------------------- export

PROFILE = (
    "id",
    "kind",
    "category",
    "first_name",
    "last_name",
    "company_name",
    "company",
    "job_title",
    "title",
    "formal",
    "language",
    "time_zone",
    "preferred_channel",
    "birthday",
    "name_day_name",
    "vat_number",
    "external_ref",
    "notes",
    "tags",
    "created_at",
    "updated_at",
    "erased_at",
)


def _profile(customer: Customer, reader: str) -> dict[str, Any]:
    row = {name: plain(getattr(customer, name, None)) for name in PROFILE}
    row.update(
        kind=customer.get_kind_display(),
        category=customer.get_category_display(),
        preferred_channel=customer.get_preferred_channel_display(),
        company=customer.company.company_name if customer.company else "",
        tags=[t.name for t in customer.tags.all()],
        language=language_name(customer.language, reader) if customer.language else "",
        language_code=customer.language,
    )
    return row


def customers_export(customer_id: int, language: str) -> list[Section]:
    """The profile, contact points, addresses, orders, subscriptions, timeline, imported consents, merges."""
    ids = person_ids(customer_id)
    customer = Customer.objects.select_related("company").get(pk=customer_id)
    points = ContactPoint.objects.filter(customer_id__in=ids)
    point_fields = ("kind", "value", "label", "is_primary", "created_at")
    addr_fields = ("label", "line1", "line2", "postcode", "city", "region", "country", "is_primary")
    orders = Order.objects.filter(customer_id__in=ids).prefetch_related("lines").order_by("placed_at", "id")
    order_fields = ("reference", "placed_at", "status", "channel", "total", "lines")
    sub_fields = ("product", "started_on", "renews_on", "status", "price")
    time_fields = ("occurred_at", "channel", "direction", "summary", "body", "source_type", "source_id")
    consent_fields = ("channel", "granted", "source", "stated_at", "raw", "recorded_at")
    merge_fields = ("merged_at", "merged", "snapshot", "moved")
    return [
        Section(
            "profile",
            _("Profile"),
            [_profile(customer, language)],
            {**labels(Customer, PROFILE), "language_code": _("The language as a code, for programs.")},
        ),
        Section(
            "contact_points",
            _("Emails and phones"),
            [
                {**{f: plain(getattr(p, f)) for f in point_fields}, "kind": p.get_kind_display()}
                for p in points
            ],
            labels(ContactPoint, point_fields),
        ),
        Section(
            "addresses",
            _("Addresses"),
            [
                {
                    **{f: plain(getattr(a, f)) for f in addr_fields},
                    "country": country_name(a.country, language) if a.country else "",
                    "country_code": a.country,
                }
                for a in Address.objects.filter(customer_id__in=ids)
            ],
            {**labels(Address, addr_fields), "country_code": _("The country as a code, for programs.")},
        ),
        Section(
            "orders",
            _("Orders"),
            [
                {
                    "reference": o.reference,
                    "placed_at": plain(o.placed_at),
                    "status": o.get_status_display(),
                    "status_code": o.status,
                    "channel": sales_channel_name(o.channel),
                    "channel_code": o.channel,
                    **money("total", o.total, o.currency, language),
                    "lines": [
                        {
                            "product": line.name,
                            "category": line.category,
                            "quantity": _quantity(line.quantity),
                            "sku": line.sku,
                            **money("unit_price", line.unit_price, o.currency, language),
                        }
                        for line in o.lines.all()
                    ],
                }
                for o in orders
            ],
            {
                **labels(Order, order_fields),
                "status_code": _("The status as a code, for programs."),
                "channel_code": _("The channel as a code, for programs."),
                "total_amount": _("The same amount as a number, for programs."),
                "currency": _("The currency of the amounts."),
                "lines": _("order lines"),
            },
        ),
        Section(
            "subscriptions",
            _("Subscriptions"),
            [
                {
                    "product": s.product,
                    "started_on": plain(s.started_on),
                    "renews_on": plain(s.renews_on),
                    "status": s.get_status_display(),
                    "status_code": s.status,
                    **money("price", s.price, s.currency, language),
                }
                for s in Subscription.objects.filter(customer_id__in=ids).order_by("started_on", "id")
            ],
            {
                **labels(Subscription, sub_fields),
                "status_code": _("The status as a code, for programs."),
                "price_amount": _("The same amount as a number, for programs."),
                "currency": _("The currency of the amounts."),
            },
        ),
        Section(
            "timeline",
            _("Timeline"),
            [
                {
                    **{f: plain(getattr(i, f)) for f in time_fields},
                    "channel": i.get_channel_display(),
                    "direction": i.get_direction_display(),
                    "source_type": record_kind(i.source_type),
                    "source_type_code": i.source_type,
                }
                for i in Interaction.objects.filter(customer_id__in=ids).order_by("occurred_at", "id")
            ],
            {
                **labels(Interaction, time_fields),
                "source_type": _("record"),
                "source_type_code": _("The kind as a code, for programs."),
            },
        ),
        Section(
            "imported_consents",
            _("Marketing consents stated in imported files"),
            [
                {**{f: plain(getattr(c, f)) for f in consent_fields}, "channel": c.get_channel_display()}
                for c in ImportedConsent.objects.filter(customer_id__in=ids)
            ],
            labels(ImportedConsent, consent_fields),
        ),
        Section(
            "merges",
            _("Duplicate records merged into this one"),
            [
                {
                    "merged_at": plain(m.merged_at),
                    "merged": m.merged_id,
                    "snapshot": plain(m.snapshot),
                    "moved": plain(m.moved),
                }
                for m in MergeRecord.objects.filter(survivor_id__in=ids)
            ],
            labels(MergeRecord, merge_fields),
        ),
    ]


# --------------------------------------------------------------------------- erasure


def customers_erase(context: ErasureContext) -> ErasureReport:
    """Empty the customer's row (and those merged into it) and remove what named them; keep the numbers.
    Runs in the erasure's transaction."""
    ids = person_ids(context.customer_id)
    placeholder, terms = context.placeholder, context.terms
    report = ErasureReport()
    counts = report.counts
    counts["contact_points"] = ContactPoint.objects.filter(customer_id__in=ids).delete()[0]
    counts["addresses"] = Address.objects.filter(customer_id__in=ids).delete()[0]
    counts["search_keys"] = SearchTerm.objects.filter(customer_id__in=ids).delete()[0]
    counts["profiles"] = Customer.objects.filter(pk__in=ids).update(
        first_name=Case(When(kind=Customer.Kind.PERSON, then=Value(placeholder)), default=Value("")),
        last_name="",
        company_name=Case(When(kind=Customer.Kind.COMPANY, then=Value(placeholder)), default=Value("")),
        display_name=placeholder,
        sort_name=lang.fold(placeholder),
        name_key="",
        name_day_name="",
        job_title="",
        title="",
        birthday=None,
        vat_number="",
        external_ref=None,
        notes="",
        updated_at=timezone.now(),
    )
    Customer.objects.filter(pk__in=ids, erased_at__isnull=True).exclude(pk=context.customer_id).update(
        erased_at=timezone.now()
    )
    counts["timeline_entries"] = _timeline_erase(ids, terms, placeholder)
    counts["merge_snapshots"] = MergeRecord.objects.filter(
        Q(survivor_id__in=ids) | Q(merged_id__in=ids)
    ).update(snapshot={})
    counts["import_records"] = _imports_scrub(ids, terms, placeholder)
    orders = Order.objects.filter(customer_id__in=ids).count()
    if orders:
        report.holds.append(
            ngettext(
                "%(n)d order: kept with its amount and date (accounting records), with no name attached.",
                "%(n)d orders: kept with their amounts and dates (accounting records), with no name attached.",
                orders,
            )
            % {"n": orders}
        )
    return report


def _timeline_erase(ids: list[int], terms: frozenset[str], placeholder: str) -> int:
    """What the customer wrote is replaced; our own entries (orders, tickets...) keep their summary with the
    person's names, emails and phones scrubbed. Bounded by one person's timeline."""
    entries = Interaction.objects.filter(customer_id__in=ids)
    total = entries.update(
        body=Case(When(body="", then=Value("")), default=Value(placeholder)),
        summary=Case(
            When(direction=Interaction.Direction.INBOUND, then=Value(placeholder)), default=F("summary")
        ),
    )
    changed = []
    for entry in entries.exclude(direction=Interaction.Direction.INBOUND).only("summary").iterator(2000):
        new = scrub(entry.summary, terms, placeholder)
        if new != entry.summary:
            entry.summary = new
            changed.append(entry)
    Interaction.objects.bulk_update(changed, ["summary"], batch_size=500)
    return total


def _imports_scrub(ids: list[int], terms: frozenset[str], placeholder: str) -> int:
    """Import reports (previews, row errors, what an import changed) lose the person's values."""
    done = 0
    changes = ImportChange.objects.filter(
        Q(object_id__in=ids, action=ImportChange.Action.CUSTOMER_UPDATED)
        | mentions_q(("before", "after", "added"), terms)
    )
    for change in changes.iterator(500):
        if change.object_id in ids and change.action == ImportChange.Action.CUSTOMER_UPDATED:
            change.before, change.after = {}, {}
            change.added = {k: [] for k in change.added} if isinstance(change.added, dict) else {}
        else:
            change.before = json_scrub(change.before, terms, placeholder, text=scrub)
            change.after = json_scrub(change.after, terms, placeholder, text=scrub)
            change.added = json_scrub(change.added, terms, placeholder, text=scrub)
        change.save(update_fields=["before", "after", "added"])
        done += 1
    for job in ImportJob.objects.filter(mentions_q(("errors", "preview", "file_name"), terms)).iterator(100):
        job.errors = json_scrub(job.errors, terms, placeholder, text=scrub)
        job.preview = json_scrub(job.preview, terms, placeholder, text=scrub)
        job.file_name = scrub(job.file_name, terms, placeholder)
        job.save(update_fields=["errors", "preview", "file_name"])
        done += 1
    return done
