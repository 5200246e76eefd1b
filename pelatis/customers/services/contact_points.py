"""A customer's emails, phones and postal addresses."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pelatis.core.audit import Action, audit_record

from ..models import Address, ContactPoint, Customer
from .derived import search_reindex


@transaction.atomic
def contact_point_add(
    *,
    customer: Customer,
    kind: str,
    value: str,
    label: str = "",
    is_primary: bool = False,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> ContactPoint:
    """Add an email or phone (``value`` already normalised); re-adding an existing one updates its label."""
    customer.refuse_if_erased()
    point, created = ContactPoint.objects.get_or_create(
        customer=customer, kind=kind, value=value, defaults={"label": label[:30]}
    )
    changed = created
    if not created and label and label[:30] != point.label:
        point.label = label[:30]
        point.save(update_fields=["label"])
        changed = True
    if not point.is_primary and (
        is_primary or not ContactPoint.objects.filter(customer=customer, kind=kind, is_primary=True).exists()
    ):
        ContactPoint.objects.filter(customer=customer, kind=kind).update(is_primary=False)
        ContactPoint.objects.filter(pk=point.pk).update(is_primary=True)
        point.is_primary = changed = True
    search_reindex(customer_ids=[customer.pk])
    if changed:
        _audit(customer.pk, _field_of(kind), by=by, request=request)
    return point


def _field_of(kind: str) -> str:
    return {"email": "emails", "phone": "phones"}.get(kind, kind)


def _audit(customer_id: int, field: str, *, by: User | None, request: HttpRequest | None) -> None:
    """One audit entry naming the changed field (never its value)."""
    actor = by if by is not None and by.is_authenticated else None
    audit_record(Action.CHANGE, request=request, actor=actor, customer_id=customer_id, fields=[field])


@transaction.atomic
def contact_point_remove(
    *, point: ContactPoint, by: User | None = None, request: HttpRequest | None = None
) -> None:
    """Remove an email or phone; the next one of its kind becomes primary."""
    customer_id, kind = point.customer_id, point.kind
    point.delete()
    contact_points_primary_fill(customer_id=customer_id, kind=kind)
    search_reindex(customer_ids=[customer_id])
    _audit(customer_id, _field_of(kind), by=by, request=request)


def contact_points_primary_fill(*, customer_id: int, kind: str) -> None:
    """Make the oldest email (or phone) primary when the customer has some and none is primary."""
    rest = ContactPoint.objects.filter(customer_id=customer_id, kind=kind)
    if not rest.filter(is_primary=True).exists():
        first = rest.order_by("id").first()
        if first is not None:  # none left of this kind
            rest.filter(pk=first.pk).update(is_primary=True)


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
    """Add a postal address (not audited here: the demo adds them; the API records its own)."""
    customer.refuse_if_erased()
    if not line1.strip():
        raise ValidationError({"line1": [_("The street is required.")]})
    code = _country_code(country)
    if code is None:
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
        country=code,
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
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Address | None:
    """Replace the customer's primary postal address with these parts (street and number make the first line);
    all parts blank removes it. Raises ValidationError naming the part. A change is audited."""
    address, changed = address_primary_change(
        customer=customer,
        street=street,
        number=number,
        postcode=postcode,
        city=city,
        region=region,
        country=country,
    )
    if changed:
        _audit(customer.pk, "address", by=by, request=request)
    return address


def address_primary_change(
    *,
    customer: Customer,
    street: str = "",
    number: str = "",
    postcode: str = "",
    city: str = "",
    region: str = "",
    country: str = "GR",
) -> tuple[Address | None, bool]:
    """``address_primary_set`` without its audit entry (the caller records the change with others, as one):
    the address and whether anything changed. Call inside a transaction."""
    parts = {"street": street, "number": number, "postcode": postcode, "city": city, "region": region}
    parts = {k: " ".join((v or "").split()) for k, v in parts.items()}
    current = customer.addresses.filter(is_primary=True).first()
    if not any(parts.values()):
        if current is not None:
            current.delete()
        return None, current is not None
    errors: dict[str, list[str]] = {}
    if not parts["street"]:
        errors["street"] = [_("The street is required.")]
    code = _country_code(country or "GR")
    if code is None:
        errors["country"] = [_("Use a two-letter country code such as GR.")]
    for name, limit in (("street", 190), ("number", 10), ("postcode", 20), ("city", 100), ("region", 100)):
        if len(parts[name]) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    if errors or code is None:  # no code without an error saying so
        raise ValidationError(errors)
    line1 = f"{parts['street']} {parts['number']}".strip()
    wanted = (line1, parts["postcode"], parts["city"], parts["region"], code)
    if (
        current is not None
        and (current.line1, current.postcode, current.city, current.region, current.country) == wanted
    ):
        return current, False
    if current is None:
        customer.addresses.update(is_primary=False)
        current = Address(customer=customer, is_primary=True)
    current.line1, current.postcode, current.city = line1, parts["postcode"], parts["city"]
    current.region, current.country = parts["region"], code
    current.save()
    return current, True


def _country_code(value: str) -> str | None:
    """The two-letter country code ``value`` gives, upper-cased; None when it is not one."""
    code = value.strip().upper()
    return code if len(code) == 2 and code.isalpha() else None
