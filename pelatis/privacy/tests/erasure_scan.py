"""For the participants' tests: the person's terms, an erasure run as the rights run it, and a scan of
every text column of one app's tables for the terms."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.db import models, transaction

from pelatis.core.hooks import contributions
from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant
from pelatis.customers.models import Customer

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def participant(app: str) -> PersonalDataParticipant:
    """The app's participant of ``pelatis.<app>.personal_data`` as the rights find it: in PERSONAL_DATA."""
    module = f"pelatis.{app}.personal_data"
    found = [p for p in contributions("PERSONAL_DATA") if p.app == app and p.export.__module__ == module]
    assert len(found) == 1, f"{app} declares {len(found)} PERSONAL_DATA participants"
    chosen: PersonalDataParticipant = found[0]
    return chosen


def person_terms(customer: Customer, *extra: str) -> frozenset[str]:
    """The person's names, emails and phones as the profile holds them, with every participant's own."""
    terms = {customer.first_name, customer.last_name, customer.display_name, *extra}
    terms |= set(customer.contact_points.values_list("value", flat=True))
    for p in contributions("PERSONAL_DATA"):
        if p.terms is not None:
            terms |= p.terms(customer.pk)
    return frozenset(t for t in terms if t and len(t) >= 3)


def erase(app: str, customer: Customer, terms: frozenset[str]) -> ErasureReport:
    """The app's erasure in one transaction, as the rights run it."""
    with transaction.atomic():
        return participant(app).erase(ErasureContext(customer_id=customer.pk, terms=terms, reason="test"))


def hits(app: str, terms: frozenset[str]) -> list[tuple[str, str | None, Any, str]]:
    """(table, column, pk, term) for every text column of the app's tables that holds a term."""
    found = []
    folded = [t.casefold() for t in terms]
    for model in apps.get_app_config(app).get_models():
        columns = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not columns:
            continue
        for row in model._default_manager.values_list("pk", *[f.attname for f in columns]):
            for field, value in zip(columns, row[1:], strict=True):
                if value in (None, ""):
                    continue
                text = (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).casefold()
                found += [(model._meta.db_table, field.column, row[0], t) for t in folded if t in text]
    return found
