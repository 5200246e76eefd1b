"""Creating and editing customers: the profile, its emails and phones, tags, and the staff form's save."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis import lang
from pelatis.core.audit import Action, audit_record

from ..inputs import CustomerInput
from ..models import ContactPoint, Customer, Interaction, SearchTerm, Tag
from ..search import customer_terms
from .contact_points import address_primary_change
from .derived import derived_fields_fill, search_reindex
from .timeline import interaction_record, timeline_text


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
    others = Customer.objects.filter(external_ref=ref)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if ref and others.exists():
        raise ValidationError(
            {"external_ref": [_("Another customer already has the reference “%(ref)s”.") % {"ref": ref}]}
        )


# The profile's own fields, copied from CustomerInput (and kept in a merge's snapshot).
PROFILE_FIELDS = (
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
def customer_create(
    *,
    data: CustomerInput,
    by: User | None = None,
    region: str | None = None,
    request: HttpRequest | None = None,
) -> Customer:
    """Create a customer with contact points and tags; raises ValidationError naming each bad field.
    The audit trail records who created it (``request`` adds the address it came from)."""
    clean = data.cleaned(region=region)
    _check_external_ref(clean.external_ref)
    customer = Customer(**{f: getattr(clean, f) for f in PROFILE_FIELDS})
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
    audit_record(Action.CREATE, request=request, actor=_actor(by), customer_id=customer.pk)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    data: CustomerInput,
    by: User | None = None,
    region: str | None = None,
    request: HttpRequest | None = None,
) -> Customer:
    """Replace the customer's profile, emails, phones and tags with ``data``; the audit trail records
    which fields changed (names only, old values only where :mod:`pelatis.core.audit` allows)."""
    updated, changes = _customer_update(customer=customer, data=data, by=by, region=region)
    _audit_changes(updated.pk, changes, by=by, request=request)
    return updated


Changes = dict[str, tuple[Any, Any]]


def _customer_update(
    *, customer: Customer, data: CustomerInput, by: User | None, region: str | None
) -> tuple[Customer, Changes]:
    """``customer_update`` without its audit entry: the customer and what changed ({field: (old, new)}).
    Call inside a transaction (locks the customer's row)."""
    clean = data.cleaned(region=region)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.merged_into_id is not None:
        raise ValidationError({"__all__": [_("This customer was merged into another and cannot be edited.")]})
    if locked.erased_at is not None:  # writing a name or an email back would re-identify the person
        raise ValidationError(
            {"__all__": [_("This customer's personal data was erased; the record cannot be edited.")]}
        )
    _check_external_ref(clean.external_ref, exclude_pk=locked.pk)
    changes: Changes = {
        f: (getattr(locked, f), getattr(clean, f))
        for f in PROFILE_FIELDS
        if getattr(locked, f) != getattr(clean, f)
    }
    changed = list(changes)
    old_company = locked.company_id
    for f in PROFILE_FIELDS:
        setattr(locked, f, getattr(clean, f))
    if clean.company_id == locked.pk:
        raise ValidationError({"company_id": [_("A customer cannot be its own company.")]})
    locked.company = _company_for(clean.company_id)
    if locked.company_id != old_company:
        changes["company"] = (old_company, locked.company_id)
    points = list(ContactPoint.objects.filter(customer=locked, kind__in=["email", "phone"]))
    for kind, field, values in (("email", "emails", clean.emails), ("phone", "phones", clean.phones)):
        have = [p for p in points if p.kind == kind]
        primary = next((p.value for p in have if p.is_primary), None)
        if {p.value for p in have} != set(values) or (values and primary != values[0]):
            changes[field] = (None, None)  # named, never copied
    if by is not None and not by.has_perm("customers.delete_contactpoint"):
        # Agents add and correct emails and phones; removing one is a manager's call, in the UI and the API.
        kept = {"email": set(clean.emails), "phone": set(clean.phones)}
        dropped: dict[str, list[str]] = {}
        for point in points:
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
    old_tags = set(locked.tags.values_list("pk", flat=True))
    new_tags = tags_named(clean.tags)
    if {t.pk for t in new_tags} != old_tags:
        changes["tags"] = (None, None)
    locked.tags.set(new_tags)
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
    return locked, changes


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def _audit_changes(
    customer_id: int, changes: Changes, *, by: User | None, request: HttpRequest | None
) -> None:
    if changes:
        audit_record(
            Action.CHANGE, request=request, actor=_actor(by), customer_id=customer_id, fields=changes
        )


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
def customer_save(
    *,
    customer: Customer | None,
    data: CustomerInput,
    address: dict[str, str] | None = None,
    by: User | None = None,
    region: str | None = None,
    request: HttpRequest | None = None,
) -> Customer:
    """Create (``customer`` None) or update a customer and, when given, its primary address, in one transaction:
    the staff form's save. ``address`` holds street, number, postcode, city, region and country.
    One audit entry: the creation, or the fields this save changed (the address among them)."""
    if customer is None:
        saved = customer_create(data=data, by=by, region=region, request=request)
        if address is not None:
            address_primary_change(customer=saved, **address)
        return saved
    saved, changes = _customer_update(customer=customer, data=data, by=by, region=region)
    if address is not None and address_primary_change(customer=saved, **address)[1]:
        changes["address"] = (None, None)
    _audit_changes(saved.pk, changes, by=by, request=request)
    return saved


def _field_labels(names: list[str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(_verbose_name(n) for n in names)


def _verbose_name(name: str) -> str:
    field = Customer._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name
