"""Every write to customers, orders, subscriptions and the timeline.

Each public service is one transaction and keeps the search index in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis import lang
from pelatis.core.hooks import contributions
from pelatis.core.templatetags.pelatis_ui import format_money

from .inputs import CustomerInput, OrderInput, SubscriptionInput
from .models import (
    Address,
    ContactPoint,
    Customer,
    Interaction,
    MergeRecord,
    Order,
    OrderLine,
    SearchTerm,
    Subscription,
    Tag,
)
from .search import customer_terms

User = AbstractBaseUser

# Apps that own rows pointing at customers (tickets, loyalty accounts...)
# register a function here from their AppConfig.ready(); a merge calls each
# with (survivor, merged) inside the merge transaction and records what it
# returns. Customers cannot import those apps, so they come to it.


def timeline_text(message: str, **params: object) -> str:
    """A timeline summary in the business's language, whoever's request writes it.

    Validation errors follow the user's language; the timeline is a shared
    record and reads the same for every colleague.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message) % params if params else translation.gettext(message)


# ---------------------------------------------------------------- derived fields


def display_name_of(*, kind: str, first_name: str, last_name: str, company_name: str) -> str:
    if kind == Customer.Kind.COMPANY:
        return company_name
    name = " ".join(p for p in (first_name, last_name) if p)
    return name or company_name


def sort_name_of(*, kind: str, first_name: str, last_name: str, company_name: str) -> str:
    if kind == Customer.Kind.COMPANY or not (first_name or last_name):
        return lang.fold(company_name)[:250]
    return lang.fold(f"{last_name} {first_name}".strip())[:250]


def name_key_of(first_name: str, last_name: str) -> str:
    """A script- and spelling-blind key of a person's name, for grouping duplicates."""
    word_keys = (lang.name_keys(w) for w in lang.words(f"{first_name} {last_name}"))
    keys = sorted(min(k) for k in word_keys if k)
    return "|".join(keys)[:120]


def derived_fields_fill(customer: Customer) -> None:
    """Fill display_name, sort_name, name_key and name_day_name from the name parts (services and the importer)."""
    parts = {
        "kind": customer.kind,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company_name": customer.company_name,
    }
    customer.display_name = display_name_of(**parts)[:250]
    customer.sort_name = sort_name_of(**parts)
    customer.name_key = (
        name_key_of(customer.first_name, customer.last_name) if customer.kind == Customer.Kind.PERSON else ""
    )
    customer.name_day_name = (lang.canonical_name(customer.first_name) or "") if customer.first_name else ""


# ---------------------------------------------------------------- search index


def search_reindex(*, customer_ids: Iterable[int]) -> None:
    """Rebuild the search terms of these customers from their current data."""
    ids = list(customer_ids)
    if not ids:
        return
    customers = Customer.objects.filter(pk__in=ids).select_related("company")
    points: dict[int, dict[str, list[str]]] = {}
    for cid, kind, value in ContactPoint.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "kind", "value"
    ):
        points.setdefault(cid, {}).setdefault(kind, []).append(value)
    refs: dict[int, list[str]] = {}
    for cid, ref in Order.objects.filter(customer_id__in=ids).values_list("customer_id", "reference"):
        refs.setdefault(cid, []).append(ref)
    rows = []
    for c in customers:
        if c.merged_into_id is not None:
            continue
        names = [c.first_name, c.last_name, c.company_name]
        if c.company is not None:
            names.append(c.company.company_name)
        terms = customer_terms(
            names=names,
            emails=points.get(c.pk, {}).get("email", []),
            phones=points.get(c.pk, {}).get("phone", []),
            vat_number=c.vat_number,
            external_ref=c.external_ref,
            order_refs=refs.get(c.pk, []),
        )
        rows.extend(SearchTerm(customer_id=c.pk, term=t) for t in terms)
    SearchTerm.objects.filter(customer_id__in=ids).delete()
    SearchTerm.objects.bulk_create(rows, batch_size=2000)


# ---------------------------------------------------------------- customers


def tags_named(names: list[str]) -> list[Tag]:
    """The tags with these names, created as needed; "Τακτικός" and "ΤΑΚΤΙΚΟΣ" are one tag.

    Matched on folded names in Python: SQL case-insensitive matching folds
    ASCII only on SQLite, and the tag table is small.
    """
    wanted = list(dict.fromkeys(n.strip()[:60] for n in names if n and n.strip()))
    if not wanted:
        return []
    existing = {lang.fold(t.name): t for t in Tag.objects.all()}
    tags: list[Tag] = []
    for name in wanted:
        key = lang.fold(name)
        tag = existing.get(key)
        if tag is None:
            tag = existing[key] = Tag.objects.create(name=name)
        if tag not in tags:
            tags.append(tag)
    return tags


def _company_for(company_id: int | None) -> Customer | None:
    if company_id is None:
        return None
    company = Customer.objects.filter(
        pk=company_id, kind=Customer.Kind.COMPANY, merged_into__isnull=True
    ).first()
    if company is None:
        raise ValidationError({"company_id": [_("No company with id %(id)s.") % {"id": company_id}]})
    return company


def _check_external_ref(ref: str | None, exclude_pk: int | None = None) -> None:
    if ref and Customer.objects.filter(external_ref=ref).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"external_ref": [_("Another customer already has the reference “%(ref)s”.") % {"ref": ref}]}
        )


_SCALAR_FIELDS = (
    "kind",
    "category",
    "first_name",
    "last_name",
    "company_name",
    "job_title",
    "title",
    "formal",
    "language",
    "time_zone",
    "preferred_channel",
    "birthday",
    "vat_number",
    "external_ref",
    "notes",
)


@transaction.atomic
def customer_create(*, data: CustomerInput, by: User | None = None, region: str | None = None) -> Customer:
    """Create a customer with contact points and tags; raises ValidationError naming each bad field."""
    clean = data.cleaned(region=region)
    _check_external_ref(clean.external_ref)
    customer = Customer(**{f: getattr(clean, f) for f in _SCALAR_FIELDS})
    customer.company = _company_for(clean.company_id)
    derived_fields_fill(customer)
    try:
        customer.save()
    except IntegrityError as exc:  # a concurrent create took the same external_ref
        raise ValidationError({"external_ref": [str(exc)]}) from exc
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(customer=customer, kind="email", value=v, is_primary=i == 0)
            for i, v in enumerate(clean.emails)
        ]
        + [
            ContactPoint(customer=customer, kind="phone", value=v, is_primary=i == 0)
            for i, v in enumerate(clean.phones)
        ]
    )
    if clean.tags:
        customer.tags.set(tags_named(clean.tags))
    interaction_record(
        customer=customer,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(gettext_noop("Customer created")),
        actor=by,
        source_type="customers.customer",
        source_id=str(customer.pk),
    )
    # A new customer's terms come straight from what was just written: no re-read, nothing to delete.
    names = [customer.first_name, customer.last_name, customer.company_name]
    if customer.company is not None:
        names.append(customer.company.company_name)
    terms = customer_terms(
        names=names,
        emails=clean.emails,
        phones=clean.phones,
        vat_number=customer.vat_number,
        external_ref=customer.external_ref,
    )
    SearchTerm.objects.bulk_create([SearchTerm(customer=customer, term=t) for t in terms])
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, data: CustomerInput, by: User | None = None, region: str | None = None
) -> Customer:
    """Replace the customer's profile, emails, phones and tags with ``data``."""
    clean = data.cleaned(region=region)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.merged_into_id is not None:
        raise ValidationError({"__all__": [_("This customer was merged into another and cannot be edited.")]})
    _check_external_ref(clean.external_ref, exclude_pk=locked.pk)
    changed = [f for f in _SCALAR_FIELDS if getattr(locked, f) != getattr(clean, f)]
    for f in _SCALAR_FIELDS:
        setattr(locked, f, getattr(clean, f))
    if clean.company_id == locked.pk:
        raise ValidationError({"company_id": [_("A customer cannot be its own company.")]})
    locked.company = _company_for(clean.company_id)
    if by is not None and not by.has_perm("customers.delete_contactpoint"):
        # Agents add and correct emails and phones; removing one is a manager's call, in the UI and the API.
        kept = {"email": set(clean.emails), "phone": set(clean.phones)}
        dropped: dict[str, list[str]] = {}
        for point in ContactPoint.objects.filter(customer=locked, kind__in=["email", "phone"]):
            if point.value not in kept[point.kind]:
                dropped.setdefault("emails" if point.kind == "email" else "phones", []).append(point.value)
        if dropped:
            raise ValidationError(
                {
                    field: [_("Only a manager can remove %(values)s.") % {"values": ", ".join(values)}]
                    for field, values in dropped.items()
                }
            )
    derived_fields_fill(locked)
    locked.save()
    _contact_points_replace(locked, "email", clean.emails)
    _contact_points_replace(locked, "phone", clean.phones)
    locked.tags.set(tags_named(clean.tags))
    if changed:
        interaction_record(
            customer=locked,
            channel=Interaction.Channel.SYSTEM,
            direction=Interaction.Direction.INTERNAL,
            summary=timeline_text(gettext_noop("Profile updated: %(fields)s"), fields=_field_labels(changed)),
            actor=by,
            source_type="customers.customer",
            source_id=str(locked.pk),
        )
    search_reindex(customer_ids=[locked.pk, *locked.contacts.values_list("pk", flat=True)])
    return locked


def _contact_points_replace(customer: Customer, kind: str, values: list[str]) -> None:
    ContactPoint.objects.filter(customer=customer, kind=kind).exclude(value__in=values).delete()
    have = set(ContactPoint.objects.filter(customer=customer, kind=kind).values_list("value", flat=True))
    ContactPoint.objects.bulk_create(
        [ContactPoint(customer=customer, kind=kind, value=v) for v in values if v not in have]
    )
    if values:
        ContactPoint.objects.filter(customer=customer, kind=kind).update(is_primary=False)
        ContactPoint.objects.filter(customer=customer, kind=kind, value=values[0]).update(is_primary=True)


@transaction.atomic
def contact_point_add(
    *,
    customer: Customer,
    kind: str,
    value: str,
    label: str = "",
    is_primary: bool = False,
    by: User | None = None,
) -> ContactPoint:
    """Add an email or phone (``value`` already normalised); re-adding an existing one updates its label."""
    point, created = ContactPoint.objects.get_or_create(
        customer=customer, kind=kind, value=value, defaults={"label": label[:30]}
    )
    if not created and label:
        point.label = label[:30]
        point.save(update_fields=["label"])
    if is_primary or not ContactPoint.objects.filter(customer=customer, kind=kind, is_primary=True).exists():
        ContactPoint.objects.filter(customer=customer, kind=kind).update(is_primary=False)
        ContactPoint.objects.filter(pk=point.pk).update(is_primary=True)
        point.is_primary = True
    search_reindex(customer_ids=[customer.pk])
    return point


@transaction.atomic
def contact_point_remove(*, point: ContactPoint, by: User | None = None) -> None:
    """Remove an email or phone; the next one of its kind becomes primary."""
    customer_id, kind = point.customer_id, point.kind
    point.delete()
    rest = ContactPoint.objects.filter(customer_id=customer_id, kind=kind)
    if rest.exists() and not rest.filter(is_primary=True).exists():
        first = rest.order_by("id").first()
        assert first is not None
        rest.filter(pk=first.pk).update(is_primary=True)
    search_reindex(customer_ids=[customer_id])


@transaction.atomic
def address_add(
    *,
    customer: Customer,
    line1: str,
    city: str = "",
    postcode: str = "",
    region: str = "",
    country: str = "GR",
    label: str = "",
    line2: str = "",
    is_primary: bool = False,
) -> Address:
    """Add a postal address."""
    if not line1.strip():
        raise ValidationError({"line1": [_("The street is required.")]})
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationError({"country": [_("Use a two-letter country code such as GR.")]})
    if is_primary:
        customer.addresses.update(is_primary=False)
    return Address.objects.create(
        customer=customer,
        line1=line1.strip(),
        line2=line2.strip(),
        city=city.strip(),
        postcode=postcode.strip(),
        region=region.strip(),
        country=country,
        label=label.strip(),
        is_primary=is_primary or not customer.addresses.exists(),
    )


@transaction.atomic
def address_primary_set(
    *,
    customer: Customer,
    street: str = "",
    number: str = "",
    postcode: str = "",
    city: str = "",
    region: str = "",
    country: str = "GR",
) -> Address | None:
    """Replace the customer's primary postal address with these parts (street and number make the first line);
    all parts blank removes it. Raises ValidationError naming the part."""
    parts = {"street": street, "number": number, "postcode": postcode, "city": city, "region": region}
    parts = {k: " ".join((v or "").split()) for k, v in parts.items()}
    current = customer.addresses.filter(is_primary=True).first()
    if not any(parts.values()):
        if current is not None:
            current.delete()
        return None
    errors: dict[str, list[str]] = {}
    if not parts["street"]:
        errors["street"] = [_("The street is required.")]
    country = (country or "GR").strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors["country"] = [_("Use a two-letter country code such as GR.")]
    for name, limit in (("street", 190), ("number", 10), ("postcode", 20), ("city", 100), ("region", 100)):
        if len(parts[name]) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    if errors:
        raise ValidationError(errors)
    line1 = f"{parts['street']} {parts['number']}".strip()
    if current is None:
        customer.addresses.update(is_primary=False)
        current = Address(customer=customer, is_primary=True)
    current.line1, current.postcode, current.city = line1, parts["postcode"], parts["city"]
    current.region, current.country = parts["region"], country
    current.save()
    return current


@transaction.atomic
def customer_save(
    *,
    customer: Customer | None,
    data: CustomerInput,
    address: dict[str, str] | None = None,
    by: User | None = None,
    region: str | None = None,
) -> Customer:
    """Create (``customer`` None) or update a customer and, when given, its primary address, in one transaction:
    the staff form's save. ``address`` holds street, number, postcode, city, region and country."""
    if customer is None:
        saved = customer_create(data=data, by=by, region=region)
    else:
        saved = customer_update(customer=customer, data=data, by=by, region=region)
    if address is not None:
        address_primary_set(customer=saved, **address)
    return saved


# ---------------------------------------------------------------- orders and subscriptions


@transaction.atomic
def order_create(*, customer: Customer, data: OrderInput, by: User | None = None) -> Order:
    """Record an order with its lines; the reference must be new."""
    clean = data.cleaned()
    if Order.objects.filter(reference=clean.reference).exists():
        raise ValidationError(
            {"reference": [_("An order with reference “%(ref)s” already exists.") % {"ref": clean.reference}]}
        )
    total = sum(
        (Decimal(str(line.quantity)) * Decimal(str(line.unit_price)) for line in clean.lines), Decimal("0")
    )
    order = Order.objects.create(
        customer=customer,
        reference=clean.reference,
        placed_at=clean.placed_at,
        currency=clean.currency,
        status=clean.status,
        channel=clean.channel,
        total=total.quantize(Decimal("0.01")),
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                name=line.name,
                sku=line.sku,
                category=line.category,
                quantity=Decimal(str(line.quantity)),
                unit_price=Decimal(str(line.unit_price)),
            )
            for line in clean.lines
        ]
    )
    interaction_record(
        customer=customer,
        channel=Interaction.Channel.ORDER,
        direction=Interaction.Direction.INBOUND,
        summary=timeline_text(
            gettext_noop("Order %(ref)s: %(total)s"),
            ref=order.reference,
            total=_money(order.total, order.currency),
        ),
        occurred_at=order.placed_at,
        actor=by,
        source_type="customers.order",
        source_id=str(order.pk),
    )
    SearchTerm.objects.create(customer=customer, term=f"o:{lang.fold(order.reference)}"[:120])
    return order


@transaction.atomic
def subscription_create(
    *, customer: Customer, data: SubscriptionInput, by: User | None = None
) -> Subscription:
    """Start a subscription."""
    clean = data.cleaned()
    sub = Subscription.objects.create(
        customer=customer,
        product=clean.product,
        started_on=clean.started_on,
        renews_on=clean.renews_on,
        status=clean.status,
        price=clean.price,
        currency=clean.currency,
    )
    interaction_record(
        customer=customer,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(gettext_noop("Subscription started: %(product)s"), product=sub.product),
        actor=by,
        source_type="customers.subscription",
        source_id=str(sub.pk),
    )
    return sub


@transaction.atomic
def subscription_set_status(
    *, subscription: Subscription, status: str, by: User | None = None
) -> Subscription:
    """Pause, cancel, expire or reactivate a subscription."""
    if status not in Subscription.Status.values:
        raise ValidationError({"status": [_("Unknown subscription status “%(value)s”.") % {"value": status}]})
    Subscription.objects.filter(pk=subscription.pk).update(status=status)
    subscription.status = status
    interaction_record(
        customer=subscription.customer,
        channel=Interaction.Channel.SYSTEM,
        direction=Interaction.Direction.INTERNAL,
        summary=timeline_text(
            gettext_noop("Subscription %(product)s: %(status)s"),
            product=subscription.product,
            status=_status_label(status),
        ),
        actor=by,
        source_type="customers.subscription",
        source_id=str(subscription.pk),
    )
    return subscription


# ---------------------------------------------------------------- timeline


def interaction_record(
    *,
    customer: Customer,
    channel: str,
    direction: str,
    summary: str,
    body: str = "",
    occurred_at: dt.datetime | None = None,
    actor: User | None = None,
    source_type: str = "",
    source_id: str = "",
) -> Interaction:
    """Add one entry to the customer's timeline (every channel and app calls this)."""
    if channel not in Interaction.Channel.values:
        raise ValidationError({"channel": [_("Unknown channel “%(value)s”.") % {"value": channel}]})
    if direction not in Interaction.Direction.values:
        raise ValidationError({"direction": [_("Unknown direction “%(value)s”.") % {"value": direction}]})
    summary = " ".join((summary or "").split())
    if not summary:
        raise ValidationError({"summary": [_("A summary is required.")]})
    return Interaction.objects.create(
        customer=customer,
        channel=channel,
        direction=direction,
        summary=summary[:300],
        body=body or "",
        occurred_at=occurred_at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        source_type=source_type,
        source_id=source_id,
    )


@transaction.atomic
def note_add(*, customer: Customer, body: str, by: User) -> Interaction:
    """An internal note on the customer's timeline."""
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": [_("The note is empty.")]})
    first_line = text.splitlines()[0]
    return interaction_record(
        customer=customer,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        summary=first_line,
        body=text,
        actor=by,
    )


# ---------------------------------------------------------------- duplicates and merge


@transaction.atomic
def customer_merge(*, survivor: Customer, merged: Customer, by: User | None = None) -> MergeRecord:
    """Fold ``merged`` into ``survivor``: everything moves, blanks are filled, a trail is kept.

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

    snapshot: dict[str, Any] = {f: _jsonable(getattr(merged, f)) for f in _SCALAR_FIELDS}
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
    return record


def _field_labels(names: list[str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(str(Customer._meta.get_field(n).verbose_name) for n in names)


def _money(amount: Decimal, currency: str) -> str:
    """The amount with its currency as the business's language writes it ("65,50 €")."""
    return format_money(amount, currency, settings.LANGUAGE_CODE)


def _status_label(status: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(Subscription.Status(status).label)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value
